"""Word-level diffs (core/diffs.py): whitespace kept, markup escaped, insertions and deletions."""

from solidarna.core import diffs


def test_words_keep_the_whitespace():
    text = "Član  1.\nStav jedan"
    assert "".join(diffs.words(text)) == text


def test_a_changed_word_is_deleted_then_inserted():
    html = str(diffs.render("rok od 30 dana", "rok od 15 dana"))
    assert html == "rok od <del>30</del><ins>15</ins> dana"


def test_the_runs_give_back_both_texts_whitespace_included():
    old, new = "jedan dva\n\ntri četiri", "jedan\ndva tri  pet"
    runs = diffs.changes(old, new)
    assert "".join(r.text for r in runs if r.op != "insert") == old
    assert "".join(r.text for r in runs if r.op != "delete") == new
    assert any(r.op == "insert" and "\n" in r.text for r in runs)


def test_markup_in_the_texts_is_escaped():
    html = str(diffs.render("<b>a</b>", "<script>x</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_side_by_side_marks_each_side():
    left, right = diffs.render_side("stari tekst", "novi tekst")
    assert "<del>stari</del>" in left and "<ins>" not in left
    assert "<ins>novi</ins>" in right and "<del>" not in right


def test_equal_texts_have_no_marks():
    assert "<ins>" not in diffs.render("isto", "isto") and "<del>" not in diffs.render("a", "a")
