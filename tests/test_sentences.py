"""Sentences and passage windows."""

from explorer.sentences import MAX_PASSAGE, passage_window, sentence_spans


def test_a_short_sentence_is_its_own_passage():
    text = "Police came on 28 October 2020."
    assert passage_window(text, (0, len(text)), (15, 30)) == (0, len(text), "")


def test_a_long_sentence_gives_a_window_around_the_mention_cut_at_words():
    text = "word " * 200 + "on 28 October 2020 " + "more " * 200
    start = text.index("28 October")
    s, e, cut = passage_window(text, (0, len(text.rstrip())), (start, start + 15))
    assert cut == "both" and e - s <= MAX_PASSAGE and s < start < start + 15 <= e
    assert text[s - 1] == " " and text[e] == " "  # whole words only
    assert text[s:e].strip() == text[s:e]


def test_a_mention_near_either_end_gets_the_room_the_other_side_cannot_use():
    text = "On 28 October 2020 " + "police came again " * 100
    s, e, cut = passage_window(text, (0, len(text)), (3, 18))
    assert (s, cut) == (0, "end") and e > MAX_PASSAGE - 20
    text = "police came again " * 100 + "on 28 October 2020"
    start = text.index("28 October")
    s, e, cut = passage_window(text, (0, len(text)), (start, len(text)))
    assert (e, cut) == (len(text), "start") and e - s > MAX_PASSAGE - 20


def test_abbreviations_do_not_end_sentences():
    text = "The U.S. State Department named two officials on Dec. 10. Police came."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The U.S. State Department named two officials on Dec. 10.", "Police came."]
