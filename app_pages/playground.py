"""Playground: write or load a program, run it in the sandbox, inspect its graph and edit it with toggles."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.common import (
    CODE_WIDGET,
    HISTORY,
    LAST_DIFF,
    download_buttons,
    figure_of,
    graph_of,
    labels,
    lang,
    node_data,
    page_state,
    program,
    run_source,
    set_program,
    show_output,
    sync_url,
    theme,
    too_long,
    tr,
    undo_program,
)
from explorer import codeedit
from explorer.codeedit import CodeEditError
from explorer.errorhints import empty_graph_key
from explorer.formbuilder import AT_END, OPS, build_line, default_position, insert_line, insert_positions
from explorer.gradcheck import check_gradients
from explorer.graphchoice import (
    WHOLE_RUN,
    chosen_graph,
    default_graph,
    grad_ledger,
    graph_options,
    option_text,
)
from explorer.markdown import literal
from explorer.presets import PRESETS, PRESETS_BY_ID
from explorer.runinfo import (
    MAX_TOGGLES,
    backward_calls,
    detach_toggles,
    inspector_rows,
    leaf_toggles,
    node_choice_label,
    statement_toggles,
)
from explorer.share import region_key
from explorer.urlparams import PANELS, READINGS, VIEWS
from figures import TEXTS as FIGURE_TEXTS
from figures import text as figure_text
from figures.labels import LABEL_FONT, PRESENTATION_FONT
from graph.model import preview

GRAPH_KEY = "pg_graph"
# The graph is laid out for the page's width at 1024 px with the sidebar open; wider screens spread
# it out, a phone squeezes it (still whole).
GRAPH_WIDTH = 560
PRESENT_WIDTH = 960  # presenting: the page at 1440 px with the sidebar open
NODE_KEY = "node"
EXPANDED = "pg_expanded"
VALUES_KEY = "pg_values"  # data | grad cards on the autograd view's tensors
CALL_KEY = "pg_call"  # which backward call's graph is drawn
CALL_SOURCE = "pg_call_source"  # the program that choice was made for
FORM_ERROR = "pg_form_error"
FORM_WHERE = "pg_form_where"
EDIT_ERROR = "pg_edit_error"


# --- callbacks (they run before the page, so they may change the program and widget values) -------------

def code_committed() -> None:
    set_program(st.session_state[CODE_WIDGET])


def load_preset() -> None:
    chosen = st.session_state.get("pg_preset")
    if chosen in PRESETS_BY_ID:
        new = PRESETS_BY_ID[chosen].code
        set_program(new, change=codeedit.diff(program(), new))
    st.session_state["pg_preset"] = None


def apply_edit(edit: Any, *args: Any) -> None:
    """Run a code edit (a toggle) on the program; a refusal is shown instead of changing anything."""
    old = program()
    try:
        new = edit(old, *args)
    except CodeEditError as error:
        st.session_state[EDIT_ERROR] = (error.message_id, error.params)
        return
    st.session_state[EDIT_ERROR] = None
    set_program(new, change=codeedit.diff(old, new))


def toggle_leaf(key: str, line: int, name: str) -> None:
    apply_edit(codeedit.set_requires_grad, line, name, bool(st.session_state[key]))


def toggle_detach(key: str, line: int, name: str) -> None:
    apply_edit(codeedit.set_detached, line, name, bool(st.session_state[key]))


def toggle_no_grad(key: str, line: int) -> None:
    apply_edit(codeedit.set_no_grad, line, bool(st.session_state[key]))


def graph_clicked() -> None:
    """Store the clicked node (a folded chain opens instead of being inspected)."""
    event = st.session_state.get(GRAPH_KEY)
    points = event.selection.points if event is not None else []
    if not points:
        return
    node = points[0].get("customdata")
    if isinstance(node, list):
        node = node[0] if node else None
    if not isinstance(node, str):
        return
    if node.startswith("chain:"):
        expanded = st.session_state.setdefault(EXPANDED, [])
        if node not in expanded:
            expanded.append(node)
        return
    st.session_state[NODE_KEY] = node


def add_form_line() -> None:
    source = program()
    try:
        line = build_line(
            st.session_state["pg_form_op"],
            [st.session_state.get("pg_form_values") if st.session_state["pg_form_op"] == "tensor"
             else st.session_state.get("pg_form_a") or "", st.session_state.get("pg_form_b") or ""],
            target=st.session_state.get("pg_form_target") or "",
        )
    except CodeEditError as error:
        st.session_state[FORM_ERROR] = (error.message_id, error.params)
        return
    where = st.session_state.get(FORM_WHERE)
    try:
        new = insert_line(source, line, default_position(source) if where is None else where)
    except CodeEditError as error:
        st.session_state[FORM_ERROR] = (error.message_id, error.params)
        return
    st.session_state[FORM_ERROR] = None
    # The lines below the new one moved down: the next line goes to the (new) default place again.
    st.session_state.pop(FORM_WHERE, None)
    set_program(new, change=codeedit.diff(source, new))


# --- how values are written in tables ------------------------------------------------------------------

def _row_value(row: Any) -> str:
    # Node kinds are named in the figures' catalogue, the same words as the legend.
    if row.field == "pg.field.kind" and f"kind.{row.value}" in FIGURE_TEXTS:
        return figure_text(f"kind.{row.value}", lang())
    # Cells are markdown: `z = y*y*3` must not turn into italics.
    return literal(str(row.value))


def _numeric_text(check: Any) -> str:
    """The estimate, or why there is none."""
    if check.reason is not None:
        return tr("pg.check.not_checked", reason=tr(check.reason, **check.reason_params))
    return _array_text(check.numeric)


def _array_text(array: Any) -> str:
    return preview(array, limit=8, width=120) or "None"


def pick_graph(record: Any, source: str) -> int:
    """The chooser of which backward call's graph is drawn (see explorer.graphchoice); a new program
    starts at its default, the last call."""
    options = graph_options(record)
    if not options:
        return WHOLE_RUN
    if st.session_state.get(CALL_SOURCE) != source:
        st.session_state[CALL_SOURCE] = source
        st.session_state[CALL_KEY] = default_graph(record)
    st.session_state[CALL_KEY] = chosen_graph(record, st.session_state.get(CALL_KEY))
    names = {}
    for option in options:
        key, params = option_text(record, option)
        names[option] = tr(key, **params)
    return st.selectbox(tr("pg.graph_of"), options, key=CALL_KEY, format_func=names.__getitem__,
                        help=tr("pg.graph_of.help"))


# --- page ------------------------------------------------------------------------------------------------

page_state("playground")
st.title(tr("pg.title"))
st.caption(tr("pg.intro"))
if st.session_state.pop("bad_link", False):
    st.warning(tr("common.bad_link"), icon=":material/link_off:")

source = program()
st.session_state[CODE_WIDGET] = source

# The code and its output side by side, the graph under them across the whole page: a graph needs the
# width more than the code does (at 1024 px with the sidebar open, a column would leave it 240 px).
# Presenting, the graph comes first.
presenting = bool(st.session_state.get("present"))
graph_on_top = st.container()
code_column, output_column = st.columns([3, 2], gap="medium")
graph_below = st.container()

with code_column, st.container(key=region_key("code", "playground")):
    st.selectbox(tr("pg.preset"), [preset.id for preset in PRESETS], index=None, key="pg_preset",
                 placeholder=tr("pg.preset.placeholder"), format_func=labels(lambda key: f"preset.{key}"),
                 on_change=load_preset)
    st.text_area(tr("pg.code"), key=CODE_WIDGET, height=360, on_change=code_committed,
                 help=tr("pg.code.help"))
    with st.container(horizontal=True):
        st.button(tr("pg.run"), key="pg_run", type="primary", icon=":material/play_arrow:",
                  on_click=code_committed)
        st.button(tr("pg.undo"), key="pg_undo", icon=":material/undo:", on_click=undo_program,
                  disabled=not st.session_state.get(HISTORY))
    change = st.session_state.get(LAST_DIFF)
    if change:
        st.caption(tr("pg.changed"))
        st.code(change, language="diff")
    edit_error = st.session_state.get(EDIT_ERROR)
    if edit_error:
        st.warning(tr(edit_error[0], **edit_error[1]), icon=":material/warning:")

if too_long(source):
    st.stop()
record = run_source(source)

with output_column, st.container(key=region_key("output", "playground")):
    show_output(record, source, fix_key="pg_fix")

with graph_on_top if presenting else graph_below:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        view = st.segmented_control(
            tr("pg.view"), VIEWS, key="view", required=True, format_func=labels(lambda key: f"pg.view.{key}"),
            persist_state="session",
        ) or VIEWS[0]
        # The tensor view always shows values; the autograd view on request, micrograd-style.
        values = view == "autograd" and st.toggle(tr("pg.values"), key=VALUES_KEY, help=tr("pg.values.help"),
                                                  persist_state="session")
        reading = st.segmented_control(
            tr("pg.reading"), READINGS, key="reading", required=True, help=tr("pg.reading.help"),
            format_func=labels(lambda key: f"pg.reading.{key}"), persist_state="session",
        ) or READINGS[0]
        st.toggle(tr("pg.present"), key="present", help=tr("pg.present.help"), persist_state="session")
    expanded = tuple(st.session_state.get(EXPANDED, ()))
    call = pick_graph(record, source)
    graph = graph_of(source, view, expanded, call, values)
    choices = [node for node, data in graph.nodes(data=True) if data["kind"] != "collapsed"]
    if st.session_state.get(NODE_KEY) not in choices:
        st.session_state[NODE_KEY] = None
    choice_names = {node: node_choice_label(node_data(graph.nodes[node])) for node in choices}
    selected = st.session_state.get(NODE_KEY)
    if graph.number_of_nodes() == 0:
        missing = call != WHOLE_RUN and record.error is None
        st.info(tr("pg.graph_of.missing" if missing else empty_graph_key(record)), icon=":material/info:")
    width, font = (PRESENT_WIDTH, PRESENTATION_FONT) if presenting else (GRAPH_WIDTH, LABEL_FONT)
    figure = figure_of(source, view, selected, theme(), lang(), expanded, width=width, call=call, font=font,
                       values=values, reading=reading)
    st.plotly_chart(figure, key=GRAPH_KEY, on_select=graph_clicked, selection_mode="points",
                    alt=tr("common.graph_alt"), config={"displaylogo": False, "scrollZoom": True})
    st.caption(tr("pg.click_hint"))
    st.selectbox(tr("pg.inspect"), choices, key=NODE_KEY, placeholder=tr("pg.inspect.placeholder"),
                 format_func=choice_names.__getitem__, persist_state="session")
    if selected is not None:
        with st.container(border=True, key="pg_inspector"):
            st.subheader(tr("pg.inspector"))
            rows = inspector_rows(node_data(graph.nodes[selected]), record, source)
            st.table({tr("pg.field"): [tr(row.field) for row in rows],
                      tr("pg.value"): [_row_value(row) for row in rows]}, hide_index=True)

tools = st.container(key=region_key("tools", "playground"))
with tools:
    st.divider()
    panel = st.segmented_control(
        tr("pg.panel"), PANELS, key="panel", required=True, format_func=labels(lambda key: f"pg.panel.{key}"),
        persist_state="session",
    ) or PANELS[0]
sync_url("playground")


def show_more(shown: int, total: int) -> None:
    if total > shown:
        st.caption(tr("pg.toggles.more", shown=shown, total=total))


def toggles_panel() -> None:
    if record.error is not None and record.error.kind == "SyntaxError":
        st.info(tr("pg.toggles.run_first"), icon=":material/info:")
        return
    st.caption(tr("pg.toggles.intro"))
    leaves_column, detach_column, no_grad_column = st.columns(3)
    with leaves_column:
        st.markdown(f"**{tr('pg.toggles.leaves')}**")
        leaves = leaf_toggles(record)
        for toggle in leaves[:MAX_TOGGLES]:
            key = f"pg_rg_{toggle.key}"
            st.session_state[key] = toggle.requires_grad
            st.checkbox(f"`{toggle.label}` · {tr('common.line', line=toggle.line)}", key=key,
                        on_change=toggle_leaf, args=(key, toggle.line, toggle.name))
        show_more(min(len(leaves), MAX_TOGGLES), len(leaves))
        if not leaves:
            st.caption(tr("pg.toggles.none"))
    with detach_column:
        st.markdown(f"**{tr('pg.toggles.detach')}**")
        detaches = detach_toggles(record, source)
        for toggle in detaches[:MAX_TOGGLES]:
            key = f"pg_dt_{toggle.key}"
            st.session_state[key] = toggle.detached
            st.checkbox(f"`{toggle.name}` · {tr('common.line', line=toggle.line)}", key=key,
                        on_change=toggle_detach, args=(key, toggle.line, toggle.name))
        show_more(min(len(detaches), MAX_TOGGLES), len(detaches))
        if not detaches:
            st.caption(tr("pg.toggles.none"))
    with no_grad_column:
        st.markdown(f"**{tr('pg.toggles.no_grad')}**")
        statements = statement_toggles(record, source)
        for toggle in statements[:MAX_TOGGLES]:
            key = f"pg_ng_{toggle.line}"
            st.session_state[key] = toggle.under_no_grad
            st.checkbox(f"{toggle.line}: `{toggle.text}`", key=key, on_change=toggle_no_grad,
                        args=(key, toggle.line))
        show_more(min(len(statements), MAX_TOGGLES), len(statements))
        if not statements:
            st.caption(tr("pg.toggles.none"))


def form_panel() -> None:
    st.caption(tr("pg.form.intro"))
    names = sorted(name for name in record.names)
    with st.form("pg_form", border=False):
        op_column, a_column, b_column = st.columns(3)
        op_column.selectbox(tr("pg.form.op"), [op.id for op in OPS], key="pg_form_op",
                            format_func=labels(lambda key: f"form.op.{key}"))
        a_column.selectbox(tr("pg.form.a"), names, key="pg_form_a", accept_new_options=True,
                           help=tr("pg.form.operand.help"), index=0 if names else None,
                           placeholder=tr("pg.form.operand.placeholder"))
        b_column.selectbox(tr("pg.form.b"), names, key="pg_form_b", accept_new_options=True,
                           help=tr("pg.form.operand.help"), index=None,
                           placeholder=tr("pg.form.operand.placeholder"))
        values_column, target_column = st.columns(2)
        values_column.text_input(tr("pg.form.values"), key="pg_form_values", placeholder="1.0, 2.0, 3.0")
        target_column.text_input(tr("pg.form.target"), key="pg_form_target", value="t")
        positions = insert_positions(source)
        default = default_position(source)
        st.selectbox(tr("pg.form.where"), positions, key=FORM_WHERE, index=positions.index(default),
                     format_func=lambda line: tr("pg.form.end") if line == AT_END
                     else tr("pg.form.before", line=line, text=codeedit.line_text(source, line)))
        st.form_submit_button(tr("pg.form.add"), on_click=add_form_line, icon=":material/add:")
    form_error = st.session_state.get(FORM_ERROR)
    if form_error:
        st.error(tr(form_error[0], **form_error[1]), icon=":material/error:")


@st.cache_resource(max_entries=32, show_spinner=False)
def gradient_check(code: str, call_index: int) -> list[Any]:
    return check_gradients(code, run_source(code), run_source, call_index=call_index)


def check_panel() -> None:
    st.caption(tr("pg.check.intro"))
    calls = backward_calls(record)
    if not calls:
        st.info(tr("pg.check.none"), icon=":material/info:")
        return
    index = 0
    if len(calls) > 1:
        call_names = [tr("pg.check.call_label", line=call.line, text=codeedit.line_text(source, call.line))
                      for call in calls]
        index = st.selectbox(tr("pg.check.call"), range(len(calls)), key="pg_check_call",
                             format_func=call_names.__getitem__) or 0
        st.caption(tr("pg.check.contribution"))
    if calls[index].error:
        st.warning(tr("pg.check.failed_call"), icon=":material/warning:")
        return
    with st.spinner(tr("common.running")):
        checks = gradient_check(source, index)
    table = {
        tr("pg.check.leaf"): [check.label for check in checks],
        tr("pg.check.autograd"): [_array_text(check.autograd) for check in checks],
        tr("pg.check.numeric"): [_numeric_text(check) for check in checks],
        tr("pg.check.error"): ["" if check.max_error is None else f"{check.max_error:.2e}"
                               for check in checks],
        tr("pg.check.verdict"): ["" if check.agrees is None
                                 else tr("pg.check.yes") if check.agrees else tr("pg.check.no")
                                 for check in checks],
    }
    st.dataframe(table, hide_index=True, key="pg_check_table")
    for check in checks:
        if check.reason is None and check.checked < check.total:
            st.caption(tr("pg.check.partial", label=check.label, checked=check.checked, total=check.total))


with tools:
    if panel == "toggles":
        toggles_panel()
    elif panel == "form":
        form_panel()
    elif panel == "check":
        check_panel()
    else:
        download_buttons(source, graph, lambda: figure_of(source, view, None, "light", lang(), expanded,
                                                          width=GRAPH_WIDTH, call=call, values=values,
                                                          reading=reading),
                         key="pg_download", ledger=grad_ledger(record, call))
