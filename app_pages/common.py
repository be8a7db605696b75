"""Streamlit pieces every page shares: language, the shared program, cached runs, output and graph panels.

Not a page itself (app.py lists the pages explicitly). The logic behind these pieces lives in explorer/
and engine/; this module only wires it to widgets and caches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import sandbox
from explorer import codeedit
from explorer.errorhints import available_fixes, hint_for
from explorer.graphchoice import WHOLE_RUN, graph_for
from explorer.i18n import t
from explorer.presets import DEFAULT_PRESET, preset_code
from explorer.runinfo import backward_calls
from explorer.state import LANGS, MAX_SOURCE_CHARS, decode_source, encode_source, read_params, write_params
from explorer.urlparams import LINK_PARAMS, PAGE_PARAMS, PAGES_WITH_CODE, PARAMS
from figures import (
    DEFAULT_WIDTH,
    backward_placement,
    backward_states,
    backward_step_figure,
    graph_figure,
    node_lines,
    node_name,
    standalone_html,
)
from figures.labels import LABEL_FONT
from graph import collapse_chains, graph_from_backward, to_dot, to_json

PROGRAM = "program"            # the program the Playground and the Backward page share (plain session state)
CODE_WIDGET = "pg_code"        # the Playground's text box
HISTORY = "program_history"    # earlier versions, for "undo"
LAST_DIFF = "program_diff"     # what the last toggle / form / preset changed
GOTO = "goto_page"             # a page to switch to, asked for by a callback
MAX_HISTORY = 30

PAGE_FILES = {
    "learn": "app_pages/learn.py",
    "playground": "app_pages/playground.py",
    "backward": "app_pages/backward.py",
    "training": "app_pages/training.py",
}


# --- language ----------------------------------------------------------------------------------------

def lang() -> str:
    """The language the page is shown in."""
    value = st.session_state.get("lang")
    return value if value in LANGS else "en"


def tr(key: str, **params: object) -> str:
    """A catalogue text in the current language."""
    return t(key, lang(), **params)


def node_data(data: dict[str, Any]) -> dict[str, Any]:
    """A graph node's attributes with its name in the current language (`constant` -> `hằng số`), for
    the explorer functions that show a node's name."""
    return {**data, "label": node_name(data, lang())}


def labels(key_of: Callable[[Any], str]) -> Callable[[Any], str]:
    """A widget's format_func: option -> its text, in the language of this run (captured now, because
    Streamlit may call it later, outside the run)."""
    language = lang()
    return lambda option: t(key_of(option), language)


# --- state in the URL --------------------------------------------------------------------------------

def restore_url_state() -> None:
    """Seed the session from the link it was opened with; once per session (later URL edits are ours)."""
    if st.session_state.get("url_restored"):
        return
    st.session_state["url_restored"] = True
    for key, value in read_params(st.query_params.to_dict(), PARAMS).items():
        st.session_state[key] = value


def page_state(page: str) -> None:
    """Give the page's URL-backed widgets their defaults before they are drawn (no widget passes one)."""
    for key in PAGE_PARAMS[page]:
        if st.session_state.get(key) is None and PARAMS[key].default not in (None, ""):
            st.session_state[key] = PARAMS[key].default


def sync_url(page: str) -> None:
    """Make the address bar hold this page's state: language, program and the page's own settings."""
    query = {"lang": lang()}
    if page in PAGES_WITH_CODE:
        query["code"] = encode_source(program())
    query.update(write_params(st.session_state, PARAMS, PAGE_PARAMS[page] + LINK_PARAMS))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def theme() -> str:
    """The figures' theme, following the viewer's light/dark setting."""
    kind = getattr(st.context.theme, "type", None)
    return "dark" if kind == "dark" else "light"


# --- the shared program ------------------------------------------------------------------------------

def init_program() -> None:
    """Start the session's program from the link (?code=...) or the default preset; once per session."""
    if PROGRAM in st.session_state:
        return
    token = st.query_params.get("code")
    source = decode_source(token) if token else None
    if token and source is None:
        st.session_state["bad_link"] = True
    st.session_state[PROGRAM] = source if source is not None else preset_code(DEFAULT_PRESET)
    st.session_state[HISTORY] = []


def program() -> str:
    return st.session_state.get(PROGRAM, "")


def set_program(source: str, *, change: str | None = None) -> None:
    """Replace the shared program (from a callback), remembering the old one for undo.

    Args:
        source: the new program.
        change: a diff to show the learner (what a toggle or the form builder changed).
    """
    old = program()
    if source != old:
        history = st.session_state.setdefault(HISTORY, [])
        history.append(old)
        del history[:-MAX_HISTORY]
    st.session_state[PROGRAM] = source
    st.session_state[CODE_WIDGET] = source
    st.session_state[LAST_DIFF] = change


def undo_program() -> None:
    history = st.session_state.get(HISTORY) or []
    if history:
        previous = history.pop()
        st.session_state[PROGRAM] = previous
        st.session_state[CODE_WIDGET] = previous
        st.session_state[LAST_DIFF] = None


def open_in_playground(source: str) -> None:
    """Callback: load `source` into the Playground and go there (no diff: the program is a new one, not an
    edit of the last; Undo still brings the old one back)."""
    set_program(source)
    st.session_state[GOTO] = "playground"


def goto(page: str) -> None:
    """Callback: switch to another page after this run's callbacks."""
    st.session_state[GOTO] = page


# --- running -----------------------------------------------------------------------------------------

@st.cache_resource(max_entries=64, show_spinner=False)
def run_source(source: str, backward_details: int | None = None) -> Any:
    """The sandbox's RunRecord of `source` (cached: a record is never mutated, so it can be shared).

    Args:
        source: the program.
        backward_details: keep the graph and steps of this many backward() calls (the sandbox keeps 20
            by default; a training run needs one per epoch).
    """
    limits = None
    if backward_details is not None:
        limits = sandbox.Limits(record_max_backward_details=backward_details)
    try:
        return sandbox.run(source, limits=limits, seed=0, session=_session_id())
    except sandbox.Superseded:
        st.stop()  # a newer run of this browser session took this one's place while it waited


def isolation_note() -> None:
    """The About panel's line on the worker processes: which protections this server has."""
    layers = sandbox.active_layers()
    on = [tr(f"layer.{name}") for name, active in layers.items() if active]
    off = [tr(f"layer.{name}") for name, active in layers.items() if not active]
    st.caption(tr("app.about.isolation", layers=", ".join(on)))
    if off:
        st.caption(tr("app.about.isolation_off", layers=", ".join(off)))


def _session_id() -> str | None:
    context = get_script_run_ctx()
    return context.session_id if context is not None else None


@st.cache_resource(max_entries=64, show_spinner=False)
def graph_of(source: str, view: str, expanded: tuple[str, ...] = (), call: int = WHOLE_RUN,
             values: bool = False) -> Any:
    """The graph view of a program's run (or of one backward `call`), long repeated chains folded unless
    `expanded`; `values` draws data | grad cards."""
    return collapse_chains(graph_for(run_source(source), call, view, values), expanded=expanded)


@st.cache_resource(max_entries=64, show_spinner=False)
def figure_of(source: str, view: str, selected: str | None, theme_name: str, lang_name: str,
              expanded: tuple[str, ...] = (), width: int = DEFAULT_WIDTH, call: int = WHOLE_RUN,
              font: float = LABEL_FONT, values: bool = False, reading: str = "forward") -> Any:
    """The plotly figure of a program's graph, with `selected` highlighted, laid out for `width` px."""
    return graph_figure(graph_of(source, view, expanded, call, values), selected=selected, theme=theme_name,
                        lang=lang_name, width=width, font=font, reading=reading)


OUTPUT_KEY = "run_output"
MONOSPACE = "'Source Code Pro', ui-monospace, SFMono-Regular, Menlo, monospace"


def code_styles() -> None:
    """Monospace for the code box and the printed output, so tensors line up as torch aligns them."""
    st.html(
        f"<style>.st-key-{CODE_WIDGET} textarea, .st-key-{OUTPUT_KEY} * {{font-family: {MONOSPACE}; "
        "font-size: 0.8rem; line-height: 1.45;}</style>"
    )


# The Backward page draws its figure across the whole page: laid out for its width at 1024 px with the
# sidebar open (wider screens spread it out).
BACKWARD_WIDTH = 560


@st.cache_resource(max_entries=32, show_spinner=False)
def replay(code: str, index: int) -> tuple[Any, Any, list[Any]]:
    """The `index`-th backward call of a run: its graph and its step states."""
    call = backward_calls(run_source(code))[index]
    graph = graph_from_backward(call)
    return call, graph, backward_states(graph)


@st.cache_resource(max_entries=32, show_spinner=False)
def backward_layout(code: str, index: int, lang_name: str) -> Any:
    """One placement for every step of a backward call (labels in `lang_name` decide the room)."""
    _, graph, _ = replay(code, index)
    return backward_placement(graph, lang=lang_name, width=BACKWARD_WIDTH)


@st.cache_resource(max_entries=256, show_spinner=False)
def step_figure(code: str, index: int, step: int, theme_name: str, lang_name: str) -> Any:
    """The figure of one backward step, drawn on the call's shared layout."""
    _, graph, _ = replay(code, index)
    return backward_step_figure(graph, step, theme=theme_name, lang=lang_name,
                                placement=backward_layout(code, index, lang_name), width=BACKWARD_WIDTH)


def too_long(source: str) -> bool:
    if len(source) > MAX_SOURCE_CHARS:
        st.error(tr("common.too_long", limit=MAX_SOURCE_CHARS))
        return True
    return False


# --- output ------------------------------------------------------------------------------------------

def error_title(error: Any) -> str:
    if error.line is not None:
        return tr("common.error_at", kind=error.kind, line=error.line)
    return tr("common.error", kind=error.kind)


def show_error(error: Any, source: str, fix_key: str | None = None) -> None:
    """A run's error the way a notebook shows it: kind, line, the offending code and the message; then
    a hint for a known learner mistake, with its one-click fixes when `fix_key` names their buttons."""
    lines = source.splitlines()
    body = error.text(lang())
    if error.line is not None and 1 <= error.line <= len(lines):
        body = f"{body}\n\n```python\n{error.line:>3} | {lines[error.line - 1]}\n```"
    st.error(body, title=error_title(error), icon=":material/error:")
    show_hint(error, source, fix_key)


def show_hint(error: Any, source: str, fix_key: str | None = None) -> None:
    hint = hint_for(error)
    if hint is None:
        return
    with st.container(key="error_hint"):
        st.info(tr(f"hint.{hint.id}", **hint.params), icon=":material/lightbulb:")
        if fix_key is None:
            return
        with st.container(horizontal=True):
            for fix_id, fixed in available_fixes(hint, source, error.line):
                st.button(tr(f"fix.{fix_id}"), key=f"{fix_key}_{fix_id}", icon=":material/auto_fix_high:",
                          on_click=apply_fix, args=(source, fixed))


def apply_fix(source: str, fixed: str) -> None:
    """Callback of a fix button: the fixed program replaces the old one (Undo brings it back)."""
    set_program(fixed, change=codeedit.diff(source, fixed))


def show_output(record: Any, source: str, fix_key: str | None = None) -> None:
    """The printed output of a run, then its error if it stopped with one."""
    with st.container(border=True):
        st.caption(tr("common.output"))
        if record.output:
            with st.container(key=OUTPUT_KEY):
                st.text(record.output.rstrip("\n"))
        elif record.error is None:
            st.caption(tr("common.no_output"))
        if record.error is not None:
            show_error(record.error, source, fix_key)


# --- downloads ---------------------------------------------------------------------------------------

def download_buttons(source: str, graph: Any, figure_maker: Callable[[], Any], key: str,
                     ledger: list[tuple[str, str]] | None = None) -> None:
    """Download the program (.py) and the graph (JSON, DOT, standalone HTML with the program and the
    `.grad` ledger beside it); files are made on click."""
    with st.container(horizontal=True):
        st.download_button(tr("common.download_py"), source, file_name="program.py", mime="text/x-python",
                           key=f"{key}_py", icon=":material/download:", on_click="ignore")
        st.download_button(tr("common.download_json"), lambda: to_json(graph, indent=2),
                           file_name="graph.json", mime="application/json", key=f"{key}_json",
                           icon=":material/download:", on_click="ignore")
        language = lang()
        st.download_button(tr("common.download_dot"),
                           lambda: to_dot(graph, lines=lambda data: node_lines(data, language)),
                           file_name="graph.dot",
                           mime="text/vnd.graphviz", key=f"{key}_dot", icon=":material/download:",
                           on_click="ignore")
        st.download_button(tr("common.download_html"),
                           lambda: standalone_html(figure_maker(), code=source, ledger=ledger or ()),
                           file_name="graph.html", mime="text/html", key=f"{key}_html",
                           icon=":material/download:", on_click="ignore")
