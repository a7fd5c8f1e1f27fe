"""One row a happening: where its sources agree it happened, how it is drawn, who reports it.

The page's view of an events table with `happening_id` (see VIEW_COLUMNS); light, so
that the page can show happenings without loading the grouping's scikit-learn and SciPy.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from .actors import SEPARATOR, clause_actors
from .words import terms

# How a happening's place on the timeline follows from its date words and their relation.
SHAPES = {
    "at": "span",  # at X: X
    "opens": "from",  # since X: from X to the latest publication, still going when reported
    "closes": "to",  # until X: ends at X, its start not told
    "after": "after",  # after X: some time between X and the latest publication
    "before": "before",  # before X: some time before X
}
VIEW_COLUMNS = {
    "happening_id": "the happening's id (shared by its mentions in the events table)",
    "what": "what happened, as its clearest source writes it (the clause its date belongs to)",
    "date_start": "the first day its sources agree on (empty when unresolved)",
    "date_end": "the last day its sources agree on",
    "granularity": "the finest precision among the mentions that agree",
    "relation": "at, opens (since), closes (until), before or after, as most of its mentions put it",
    "shape": "how it is drawn: span, from (still going when reported), to (start not told), after, before",
    "placed_start": "where it is drawn from (empty when its start is not told)",
    "placed_end": "where it is drawn to (empty when it is still going)",
    "outlets": "how many distinct outlets report it",
    "documents": "how many documents report it",
    "mentions": "how many date mentions date it",
    "sources": "the outlets, joined by ' | '",
    "actors": "the actors its mentions' clauses are about (actors.clause_actors), joined by ' | '",
    "first_reported": "the earliest publication date among its documents",
    "last_reported": "the latest publication date among its documents",
    "disagree": "True when some mentions date it to days that do not overlap the agreed span",
    "disagreeing": "those mentions: words, dates and outlet, joined by ' | '",
    "event_ids": "its mentions' event ids, joined by ' '",
}
_ORDER = ["time", "day", "week", "weekend", "month", "season", "quarter", "half", "year", "decade", "century", "present"]


def _agreed(starts: list[str], ends: list[str], granularities: list[str] | None = None) -> tuple[str, str, list[int]]:
    """The span most mentions agree on, as one of them gives it: among the mentions that cover
    the day most of them cover, the finest (then the one most of them give, then the
    earliest), so a happening is never placed on days no source names (the overlap of "since
    2020" and "over the past five years" would begin on a day neither says); and the
    mentions that do not overlap it."""
    events = sorted([(s, 0, k) for k, s in enumerate(starts)] + [(e, 1, k) for k, e in enumerate(ends)])
    best, count, best_day = -1, 0, None
    for day, kind, _ in events:
        if kind == 0:
            count += 1
            if count > best:
                best, best_day = count, day
        else:
            count -= 1
    covering = [k for k in range(len(starts)) if starts[k] <= best_day <= ends[k]]
    given = Counter((starts[k], ends[k]) for k in covering)
    ranks = granularities or [""] * len(starts)
    chosen = min(covering, key=lambda k: (_rank(ranks[k]), -given[starts[k], ends[k]], starts[k], ends[k]))
    start, end = starts[chosen], ends[chosen]
    apart = [k for k in range(len(starts)) if ends[k] < start or starts[k] > end]
    return start, end, apart


def _after(day: str, days: int = 1) -> str:
    return str(np.datetime64(day) + np.timedelta64(days, "D"))


def place(start: str, end: str, relation: str, last_published: str) -> tuple[str, str, str]:
    """(shape, placed_start, placed_end) of a happening dated start..end with `relation`."""
    shape = SHAPES.get(relation, "span")
    if shape == "from":
        return shape, start, ""
    if shape == "to":
        return shape, "", end
    if shape == "before":
        return shape, "", _after(start, -1)
    if shape == "after":
        later = last_published if last_published and last_published > end else _after(end)
        return shape, _after(end), later
    return shape, start, end


def view(table: pd.DataFrame) -> pd.DataFrame:
    """One row a happening (see VIEW_COLUMNS) of an events table with `happening_id`, most
    reported first, then by date. Plain lists per happening: the columns are read once."""
    names = ("happening_id", "date_start", "date_end", "source", "actors", "published", "granularity", "relation",
             "mention", "doc_id", "event_id", "what")
    col = {name: table[name].tolist() for name in names}
    doers = _doers(table)
    members: dict[str, list[int]] = defaultdict(list)
    for i, happening in enumerate(col["happening_id"]):
        members[happening].append(i)
    rows = []
    for happening, group in members.items():
        resolved = [i for i in group if col["date_start"][i] != ""]
        outlets = sorted({col["source"][i] for i in group if col["source"][i]})
        actors = sorted({a for i in group for a in doers[i]})
        published = sorted(col["published"][i] for i in group if col["published"][i])
        if resolved:
            start, end, apart = _agreed([col["date_start"][i] for i in resolved], [col["date_end"][i] for i in resolved],
                                        [col["granularity"][i] for i in resolved])
            left_out = set(apart)
            agreeing = [i for k, i in enumerate(resolved) if k not in left_out]
            granularity = min((col["granularity"][i] for i in agreeing), key=_rank)
            relations = Counter(col["relation"][i] for i in agreeing)
            relation = max(relations, key=lambda r: (relations[r], r == "at"))
            shape, placed_start, placed_end = place(start, end, relation, published[-1] if published else "")
            disagreeing = [_disagreeing(col, resolved[k]) for k in apart]
        else:
            start = end = placed_start = placed_end = ""
            granularity, relation, shape, disagreeing = col["granularity"][group[0]], col["relation"][group[0]], "span", []
        rows.append({
            "happening_id": happening,
            "what": _clearest([col["what"][i] for i in group], [col["granularity"][i] for i in group]),
            "date_start": start, "date_end": end,
            "granularity": granularity, "relation": relation, "shape": shape, "placed_start": placed_start,
            "placed_end": placed_end, "outlets": len(outlets), "documents": len({col["doc_id"][i] for i in group}),
            "mentions": len(group), "sources": SEPARATOR.join(outlets), "actors": SEPARATOR.join(actors),
            "first_reported": published[0] if published else "", "last_reported": published[-1] if published else "",
            "disagree": bool(disagreeing),
            "disagreeing": SEPARATOR.join(disagreeing), "event_ids": " ".join(col["event_id"][i] for i in group),
        })
    out = pd.DataFrame(rows, columns=list(VIEW_COLUMNS))
    if out.empty:
        return out
    unresolved = out["date_start"] == ""
    return (out.assign(_u=unresolved).sort_values(["_u", "outlets", "date_start", "happening_id"],
                                                  ascending=[True, False, True, True], kind="stable")
            .drop(columns="_u").reset_index(drop=True))


def _doers(table: pd.DataFrame) -> list[list[str]]:
    """Per mention, the actors its clause is about (`actors.clause_actors`); a row whose
    actors a reader corrected keeps the reader's."""
    def column(name, empty):  # a hand-made table may lack the columns names are found again from
        return table[name].tolist() if name in table else [empty] * len(table)
    out = []
    for named, passage, start, what, found, fixed in zip(table["actors"].tolist(), column("passage", ""),
                                                         column("passage_start", 0), table["what"].tolist(),
                                                         column("actor_mentions", ""), column("corrected", "")):
        if not named:
            out.append([])
        elif "actors" in fixed or not found:
            out.append([a for a in named.split(SEPARATOR) if a])
        else:
            out.append(clause_actors(passage, int(start), what, found))
    return out


def _rank(granularity: str) -> int:
    return _ORDER.index(granularity) if granularity in _ORDER else 99


def _disagreeing(col: dict, i: int) -> str:
    span = col["date_start"][i] + (f"–{col['date_end'][i]}" if col["date_end"][i] != col["date_start"][i] else "")
    return f"“{col['mention'][i]}” {span} ({col['source'][i] or 'unknown outlet'})"


CLEAREST_AMONG = 50  # mentions compared to find the clearest telling: a bound, so a much-reported happening costs no more


def _clearest(whats: list[str], granularities: list[str]) -> str:
    """The `what` of the mention that says it most plainly: the one whose clause shares most
    words with the others' (the group's most typical telling), the finer date at a tie."""
    if len(whats) == 1:
        return whats[0]
    told = range(min(len(whats), CLEAREST_AMONG))
    said = [set(terms(whats[k])) for k in told]

    def typical(k):  # a whole clause before a cut one; then mean word overlap (Jaccard) with the
        # others; then the finer date; then the shorter
        alike = sum(len(said[k] & said[m]) / (len(said[k] | said[m]) or 1) for m in told if m != k)
        return ("…" not in whats[k], round(alike, 6), -_rank(granularities[k]), -len(whats[k]))
    return whats[max(told, key=typical)]
