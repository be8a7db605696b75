"""The text catalogue: every text in both languages, every key the app asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer.formbuilder import OPS
from explorer.i18n import TEXTS, language_name, placeholders, t
from explorer.lessons import LESSONS
from explorer.presets import PRESETS
from explorer.state import LANGS
from explorer.training import MODELS, UPDATES, ZERO_PLACES

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]
EXPLORER_FILES = sorted((ROOT / "explorer").glob("*.py"))
# Texts that are identical in both languages on purpose: PyTorch code, names and numbers.
CODE_LIKE = re.compile(r"^[\w\s.,:;=+\-*/@()\[\]<>…·|{}'\"`#]*$")


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key):
    entry = TEXTS[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert placeholders(entry["en"]) == placeholders(entry["vi"])


def _prose_words(text: str) -> list[str]:
    """Plain words of at least three letters, leaving out code (`...`, dotted names, calls, keywords)."""
    without_code = re.sub(r"`[^`]*`|\{[^}]*\}", " ", text)
    tokens = (token.strip(".,:;!?()“”\"'") for token in without_code.split())
    return [token for token in tokens if len(token) >= 3 and token.isalpha()]


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_sentences_are_translated(key):
    english, vietnamese = TEXTS[key]["en"], TEXTS[key]["vi"]
    if len(_prose_words(english)) >= 3 and not key.startswith(("app.lang.", "form.op.", "lesson.")):
        assert english != vietnamese, f"{key} is not translated"
    if english != vietnamese and len(_prose_words(vietnamese)) >= 3:
        assert re.search(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                         vietnamese, re.IGNORECASE), f"{key}: the Vietnamese text has no Vietnamese letters"


def _keys_used_literally() -> set[str]:
    keys = set()
    for path in APP_FILES:
        keys.update(re.findall(r"\btr\(\s*\"([a-z_][a-z0-9_.]*)\"", path.read_text()))
    for path in EXPLORER_FILES:
        keys.update(re.findall(r"Error\(\s*\"([a-z_][a-z0-9_.]*)\"", path.read_text()))
        keys.update(re.findall(r"return failed\(\"([a-z_]+)\"\)", path.read_text()))
    return keys


def _keys_built_from_names() -> set[str]:
    keys = {f"preset.{preset.id}" for preset in PRESETS}
    keys |= {f"form.op.{op.id}" for op in OPS}
    for lesson in LESSONS:
        keys |= {f"lesson.{lesson.id}.{part}" for part in ("title", "body", "question", "explain")}
        keys |= set(lesson.choices)
    keys |= {f"tr.model.{key}" for key in MODELS} | {f"tr.zero.{key}" for key in ZERO_PLACES}
    keys |= {f"tr.update.{key}" for key in UPDATES}
    keys |= {f"pg.view.{key}" for key in ("autograd", "tensor")}
    keys |= {f"pg.panel.{key}" for key in ("toggles", "form", "check", "downloads")}
    keys |= {f"bw.speed.{key}" for key in ("slow", "normal", "fast")}
    keys |= {f"app.lang.{lang}" for lang in LANGS}
    return keys


def test_every_key_the_app_uses_exists():
    missing = sorted((_keys_used_literally() | _keys_built_from_names()) - set(TEXTS))
    assert not missing, missing


def test_lookup_fills_placeholders_and_falls_back():
    assert t("common.error_at", "vi", kind="RuntimeError", line=3) == "RuntimeError ở dòng 3"
    assert t("no.such.key", "en") == "no.such.key"
    assert language_name("vi") == "Tiếng Việt"


# --- one catalogue over the three tables -----------------------------------------------------------------

from explorer.i18n import CATALOGUE  # noqa: E402
from figures.texts import TEXTS as FIGURE_TEXTS  # noqa: E402
from sandbox.messages import MESSAGES as SANDBOX_MESSAGES  # noqa: E402


def test_no_key_is_defined_in_two_tables():
    tables = {"explorer": TEXTS, "figures": FIGURE_TEXTS, "sandbox": SANDBOX_MESSAGES}
    seen: dict[str, str] = {}
    for name, table in tables.items():
        for key in table:
            assert key not in seen, f"{key} is in both {seen[key]} and {name}"
            seen[key] = name
    assert len(CATALOGUE) == len(seen)


@pytest.mark.parametrize("table", [FIGURE_TEXTS, SANDBOX_MESSAGES], ids=["figures", "sandbox"])
def test_the_lower_layers_texts_are_in_both_languages_with_the_same_placeholders(table):
    for key, entry in table.items():
        assert set(entry) == set(LANGS), key
        assert placeholders(entry["en"]) == placeholders(entry["vi"]), key


def test_one_lookup_finds_every_layers_texts():
    assert t("chart.loss", "vi") == FIGURE_TEXTS["chart.loss"]["vi"]
    assert t("unsupported_syntax", "vi", construct="lambda") == "Sandbox không hỗ trợ lambda"
    assert t("tr.title", "en") == TEXTS["tr.title"]["en"]
