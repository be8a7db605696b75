"""The catalogue of figure texts: every entry in both languages, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from figures.texts import LANGUAGES, TEXTS, text
from graph import Kind


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_english_and_vietnamese(key):
    entry = TEXTS[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert _placeholders(entry["en"]) == _placeholders(entry["vi"])


def test_every_node_kind_has_a_legend_entry():
    for kind in Kind.ALL:
        assert text(f"kind.{kind}", "en") and text(f"kind.{kind}", "vi")


def test_placeholders_are_filled_and_unknown_languages_refused():
    assert text("anim.step", "vi", k=2, n=5) == "Bước 2/5"
    with pytest.raises(ValueError, match="lang"):
        text("anim.step", "fr", k=1, n=1)
