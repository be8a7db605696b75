"""AppTest helpers: the app started in a given language, on a given page, with a given program."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = tuple(f"app_pages/{name}.py" for name in ("learn", "playground", "backward", "training"))
TIMEOUT = 60  # seconds per run: a cold run imports plotly, networkx and the engine


def start(lang: str = "en", page: str | None = None, program: str | None = None,
          query: dict[str, str] | None = None) -> AppTest:
    """The app after its first run (and a switch to `page`), in `lang`, optionally with `program` loaded."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.context = {"locale": "vi-VN" if lang == "vi" else "en-US", "theme": "light"}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if program is not None:
        at.session_state["program"] = program
        at.session_state["program_history"] = []
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def figure_json(at: AppTest, index: int = 0) -> dict:
    """The plotly figure of the `index`-th chart on the page, as JSON."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def texts(at: AppTest) -> str:
    """Every visible text of the page (markdown, headings, captions, alerts, code), joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success",
                 "code", "text"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    return "\n".join(parts)


@pytest.fixture
def app() -> Callable[..., AppTest]:
    return start
