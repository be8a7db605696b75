"""Text a page shows through Streamlit's markdown (a table cell, a caption), shown as typed.

Streamlit renders table cells as markdown, so `z = y*y*3` would lose its stars to italics and a
`[3]` next to a `(…)` could become a link. Every character markdown gives a meaning is escaped.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def literal(text: str) -> str:
    """`text` escaped so that markdown shows each of its characters as it is."""
    return _SPECIAL.sub(r"\\\1", text)
