"""A reader's own articles: limits, names, facts and the bounded result cache."""

from explorer.events import map_document
from explorer.events import mentions_table
from explorer.uploads import MAX_FILES, BoundedCache, SessionArticles, combined_rows

GOOD = b"Raid\nPolice came last week, the prosecutor said."


def read_here(name, data, meta):
    return map_document(name, data, meta)


def test_files_are_kept_within_the_count_and_bytes_and_each_refusal_is_named():
    articles = SessionArticles()
    notes = articles.add([(f"n{i}.txt", GOOD + str(i).encode()) for i in range(MAX_FILES + 2)])
    assert len(articles.uploads) == MAX_FILES
    assert notes == [f"n{i}.txt: this session already holds {MAX_FILES} files; not added" for i in (50, 51)]


def test_the_same_bytes_twice_are_one_file_and_a_clashing_name_is_numbered():
    articles = SessionArticles(taken_ids={"notes"})
    notes = articles.add([("notes.txt", GOOD), ("copy.txt", GOOD), ("notes.txt", GOOD + b" again")])
    assert notes == ["copy.txt: the same file as notes.txt; not added again"]
    assert [(u.name, u.doc_id) for u in articles.uploads.values()] == [("notes.txt", "notes-2"),
                                                                       ("notes-2.txt", "notes-2-2")]


def test_facts_are_checked_and_a_refused_value_keeps_the_last_one():
    articles = SessionArticles()
    articles.add([("a.txt", GOOD)])
    assert articles.set_facts("a.txt", {"published": "2021-12-10", "url": "https://example.org/a"}) == []
    notes = articles.set_facts("a.txt", {"published": "2021-02-30", "url": "javascript:alert(1)", "title": "T " * 500})
    assert notes == ["a.txt: publication date '2021-02-30' is not a real date; not changed",
                     "a.txt: the address is not a plain http(s) address; not changed"]
    facts = articles.uploads["a.txt"].facts
    assert facts["published"] == "2021-12-10" and facts["url"] == "https://example.org/a" and len(facts["title"]) == 300


def test_results_are_read_once_per_bytes_and_facts():
    articles = SessionArticles()
    articles.add([("a.txt", GOOD)])
    calls = []

    def reader(name, data, meta):
        calls.append(meta["published"])
        return read_here(name, data, meta)

    articles.read(reader)
    articles.read(reader)
    articles.set_facts("a.txt", {"published": "2021-12-10"})
    read = articles.read(reader)
    assert calls == ["", "2021-12-10"]
    table = mentions_table(combined_rows(read)[0])
    assert list(table.date_start) == ["2021-11-29"] and list(table.reference_source) == ["manifest"]


def test_the_cache_is_bounded_in_entries_bytes_and_time():
    now = [0.0]
    cache = BoundedCache(max_entries=2, max_bytes=100, ttl=10, clock=lambda: now[0])
    cache.put("a", 1, 10)
    cache.put("b", 2, 10)
    cache.get("a")
    cache.put("c", 3, 10)  # over two entries: the least recently used, b, goes
    assert (cache.get("b"), cache.get("a"), cache.get("c")) == (None, 1, 3)
    cache.put("big", 4, 95)  # over 100 bytes: the oldest go until it fits
    assert len(cache) == 1 and cache.bytes == 95
    cache.put("huge", 5, 101)  # larger than the whole cache: not kept
    assert cache.get("huge") is None
    now[0] = 11
    assert cache.get("big") is None and len(cache) == 0 and cache.bytes == 0


def test_the_files_held_now_are_never_read_again_whatever_the_cache_holds():
    """The session's own results stay whole through every rerun: the cache, however small,
    only holds results of files removed or facts changed."""
    articles = SessionArticles()
    articles.results = BoundedCache(max_entries=1, max_bytes=10, ttl=3600)  # holds nothing of note
    articles.add([(f"n{i}.txt", GOOD + str(i).encode()) for i in range(5)])
    calls = []

    def reader(name, data, meta):
        calls.append(name)
        return read_here(name, data, meta)

    for _ in range(3):
        assert len(articles.read(reader)) == 5
    assert sorted(calls) == [f"n{i}.txt" for i in range(5)]


def test_a_session_holds_a_bounded_number_of_dated_statements_and_says_what_was_cut():
    articles = SessionArticles()
    articles.add([("a.txt", b"Raid\nPolice came on 2 March 2021, on 3 March 2021 and on 4 March 2021."),
                  ("b.txt", b"Raid\nPolice came on 5 March 2021 and on 6 March 2021.")])
    rows, notes = combined_rows(articles.read(read_here), limit=4)
    assert len(rows) == 4
    assert notes == ["b.txt: this session holds at most 4 dated statements; 1 of this file's were left out"]
