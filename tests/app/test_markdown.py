"""Code shown in a markdown table cell keeps every character."""

import re

import pytest

from explorer.markdown import literal


@pytest.mark.parametrize("text", ["z = y*y*3", "w[0] = (a_b)", "`x` # 2 - 1 | 3", r"a\b <br> ~~s~~ $x$"])
def test_markdown_shows_escaped_text_as_typed(text):
    escaped = literal(text)
    # No markdown character is left bare: each follows a backslash that is itself not escaped.
    bare = re.findall(r"(?<!\\)(?:\\\\)*[*_`\[\]()#|~$<>]", escaped)
    assert bare == []
    assert re.sub(r"\\(.)", r"\1", escaped) == text


def test_the_inspector_line_cell_reads_as_typed():
    assert literal("z = y*y*3") == r"z = y\*y\*3"
