"""Backward: pick a root (and a gradient), then step through backward() one node at a time."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages.common import (
    BACKWARD_WIDTH,
    backward_layout,
    goto,
    lang,
    page_state,
    program,
    replay,
    run_source,
    show_error,
    step_figure,
    sync_url,
    theme,
    too_long,
    tr,
)
from explorer.backwardplan import (
    GradientInputError,
    RootChoice,
    backward_program,
    forward_part,
    grads_by_tensor,
    leaf_ledger,
    root_choices,
)
from explorer.backwardsteps import Player, failure_hint, second_call, usable_calls
from explorer.runinfo import backward_calls, value_text
from figures import (
    arithmetic,
    backward_animation,
    node_name,
    standalone_html,
)
from graph.model import preview

SPEEDS = {"slow": 1.6, "normal": 0.8, "fast": 0.35}
STEP_KEY = "bw_step"
PLAYING = "bw_playing"

page_state("backward")
st.title(tr("bw.title"))
st.caption(tr("bw.intro"))

source = program()
if too_long(source):
    st.stop()

with st.expander(tr("bw.program"), icon=":material/code:"):
    st.code(source, language="python", line_numbers=True)
    st.button(tr("common.open_playground"), key="bw_edit", icon=":material/edit:", on_click=goto,
              args=("playground",))

forward = forward_part(source)
forward_record = run_source(forward)
if forward_record.error is not None:
    show_error(forward_record.error, forward)
    st.stop()
choices = root_choices(forward_record, source)


def shape_text(choice: RootChoice) -> str:
    if not choice.shape:
        return tr("bw.scalar")
    return "[" + ", ".join(map(str, choice.shape)) + "]"


def root_changed() -> None:
    # A new root starts at its own default gradient and at the first step.
    chosen = by_expression.get(st.session_state.get("bw_root"))
    st.session_state["bw_grad"] = chosen.gradient if chosen is not None else ""
    st.session_state[STEP_KEY] = 1
    st.session_state[PLAYING] = False


def pick_call(usable: list[int], names: dict[int, str]) -> int:
    """The backward call whose steps are shown, when there is more than one."""
    if len(usable) == 1:
        return usable[0]
    if st.session_state.get("bw_call") not in usable:
        st.session_state["bw_call"] = usable[0]
    if len(usable) == 2:
        picked = st.segmented_control(tr("bw.call"), usable, key="bw_call", required=True,
                                      format_func=names.__getitem__, persist_state="session")
    else:
        picked = st.selectbox(tr("bw.call"), usable, key="bw_call", format_func=names.__getitem__,
                              persist_state="session")
    return picked if picked in usable else usable[0]


if choices:
    by_expression = {choice.expression: choice for choice in choices}
    if st.session_state.get("bw_root") not in by_expression:
        st.session_state["bw_root"] = choices[0].expression
    root_names = {key: tr("bw.root.option", name=key, shape=shape_text(value))
                  for key, value in by_expression.items()}
    controls = st.container(horizontal=True, vertical_alignment="bottom")
    with controls:
        st.selectbox(tr("bw.root"), list(by_expression), key="bw_root", format_func=root_names.__getitem__,
                     on_change=root_changed, persist_state="session")
    choice = by_expression[st.session_state["bw_root"]]
    if st.session_state.get("bw_grad") is None:
        st.session_state["bw_grad"] = choice.gradient
    with controls:
        if not choice.is_scalar:
            st.text_input(tr("bw.gradient"), key="bw_grad", help=tr("bw.gradient.help", n=choice.numel),
                          placeholder="1.0, 1.0, …", persist_state="session")
        st.toggle(tr("bw.retain"), key="bw_retain", persist_state="session")
        st.toggle(tr("bw.twice"), key="bw_twice", persist_state="session")

    if choice.is_scalar:
        st.session_state["bw_grad"] = None  # nothing to choose: kept out of the link
    gradient_text = st.session_state.get("bw_grad") or ""
    try:
        script, appended = backward_program(source, choice, gradient_text,
                                            retain_graph=bool(st.session_state.get("bw_retain")),
                                            twice=bool(st.session_state.get("bw_twice")))
    except GradientInputError as error:
        st.error(tr(error.message_id, **error.params), icon=":material/error:")
        st.stop()

    st.caption(tr("bw.code"))
    st.code("\n".join(appended), language="python")
    record = run_source(script)
    calls = backward_calls(record)
    usable = usable_calls(calls)

    if not usable:
        hint = failure_hint(choice, gradient_text)
        if hint is not None:
            st.info(tr(hint), icon=":material/lightbulb:")
        if record.error is not None:
            show_error(record.error, script)
        elif calls and calls[0].error:
            st.error(calls[0].error)
        st.stop()

    said = second_call(calls, record)
    if said is not None and said.error is not None:
        st.warning(tr(said.message_id), icon=":material/warning:")
        st.code(said.error, language="text")
    elif said is not None:
        st.info(tr(said.message_id), icon=":material/add_circle:")
    call_index = pick_call(usable[:2], {usable[0]: tr("bw.call.first"), usable[-1]: tr("bw.call.second")})
else:
    # No tensor is left to call backward() on after the forward part (the program calls it inside a
    # loop, say): replay the program's own calls instead.
    script = source
    calls = backward_calls(run_source(source))
    usable = usable_calls(calls)
    if not usable:
        st.info(tr("bw.no_roots"), icon=":material/info:")
        st.stop()
    st.info(tr("bw.own_calls"), icon=":material/info:")
    call_index = pick_call(usable, {index: tr("bw.call.own", k=index + 1, line=calls[index].line)
                                    for index in usable})


call, graph, states = replay(script, call_index)
count = len(states)


def player() -> Player:
    return Player(int(st.session_state.get(STEP_KEY, 1) or 1), count, bool(st.session_state.get(PLAYING)))


def keep(state: Player) -> None:
    st.session_state[STEP_KEY] = state.step
    st.session_state[PLAYING] = state.playing


def move(delta: int = 0, to: int | None = None) -> None:
    was_playing = player().playing
    keep(player().moved(delta, to))
    if was_playing:
        st.rerun()  # the timer goes off with a full rerun


def play() -> None:
    # Playing reruns only the steps fragment on a timer; switching the timer on needs a full rerun.
    keep(player().started())
    st.rerun()


def pause() -> None:
    keep(player().paused())
    st.rerun()


speed_names = {key: tr(f"bw.speed.{key}") for key in SPEEDS}


def render_steps() -> None:
    """Step controls, the figure of the current step, its arithmetic and the .grad ledger."""
    playback = player().ticked()
    keep(playback)
    step, playing = playback.step, playback.playing
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.button(tr("bw.first"), key="bw_first", icon=":material/first_page:", on_click=move,
                  kwargs={"to": 1})
        st.button(tr("bw.prev"), key="bw_prev", icon=":material/chevron_left:", on_click=move,
                  kwargs={"delta": -1})
        st.button(tr("bw.next"), key="bw_next", icon=":material/chevron_right:", on_click=move,
                  kwargs={"delta": 1})
        st.button(tr("bw.last"), key="bw_last", icon=":material/last_page:", on_click=move,
                  kwargs={"to": count})
        if playing:
            st.button(tr("bw.pause"), key="bw_pause", icon=":material/pause:", on_click=pause)
        else:
            st.button(tr("bw.play"), key="bw_play", icon=":material/play_arrow:", on_click=play,
                      type="primary")
        st.segmented_control(tr("bw.speed"), list(SPEEDS), key="bw_speed", required=True,
                             format_func=speed_names.__getitem__, persist_state="session")
    if count > 1:
        st.slider(tr("bw.step"), 1, count, key=STEP_KEY, persist_state="session")
    sync_url("backward")
    state = states[step - 1]
    st.plotly_chart(step_figure(script, call_index, step - 1, theme(), lang()), key="bw_figure",
                    alt=tr("common.graph_alt"), config={"displaylogo": False})
    details, ledger = st.columns([3, 2], gap="medium")
    with details:
        st.subheader(tr("bw.step_of", k=step, n=count))
        st.markdown(f"**{tr('bw.active')}:** `{state.name}`")
        accumulating = state.name == "AccumulateGrad"
        if state.formula and not accumulating:
            st.markdown(f"**{tr('bw.formula')}:** `{state.formula}`")
        st.markdown(f"**{tr('bw.grad_in')}:** `{value_text(state.grad_in)}`")
        if state.accumulated is not None and accumulating:
            label = _node_name(state.accumulated)
            st.info(tr("bw.accumulate", name=label), icon=":material/add:")
        # An AccumulateGrad step only adds into .grad (said above); its inputs are no further nodes.
        edges = [] if accumulating else [edge for edge in state.edges if edge.target in graph]
        if edges:
            st.markdown(f"**{tr('bw.edges')}**")
            st.dataframe({
                tr("bw.edge.to"): [_node_name(edge.target) for edge in edges],
                tr("bw.edge.upstream"): [_short(edge.upstream) for edge in edges],
                tr("bw.edge.local"): [edge.local for edge in edges],
                tr("bw.edge.contribution"): [_short(edge.contribution) for edge in edges],
            }, hide_index=True, key="bw_edges")
            st.code("\n".join(arithmetic(edge) for edge in edges), language="text")
    with ledger:
        st.subheader(tr("bw.ledger"))
        rows = leaf_ledger(call, grads_by_tensor(state.grads))
        # A table, not a data grid: its three columns wrap in the narrow column instead of being cut.
        st.table({
            tr("bw.ledger.leaf"): [f"{label}.grad" for label, _, _ in rows],
            tr("bw.ledger.before"): [_short(before) for _, before, _ in rows],
            tr("bw.ledger.now"): [_short(current) for _, _, current in rows],
        }, hide_index=True)
        if step == count:
            st.success(tr("bw.done"), icon=":material/check_circle:")
            st.code("\n".join(f"{label}.grad = {value_text(current)}" for label, _, current in rows),
                    language="text")
    if playback.finished:
        # The end: a full rerun draws the steps again without the timer.
        keep(playback.paused())
        st.rerun()


def _short(array: Any) -> str:
    return preview(array, limit=6, width=70) or "None"


def _node_name(node: Any) -> str:
    data = graph.nodes[node]
    return data.get("variable") or node_name(data, lang())


speed = SPEEDS.get(st.session_state.get("bw_speed") or "normal", SPEEDS["normal"])
if st.session_state.get(PLAYING):
    st.fragment(render_steps, run_every=speed)()
else:
    st.fragment(render_steps)()

with st.expander(tr("common.downloads"), icon=":material/download:"):
    language = lang()
    st.download_button(tr("common.download_html"), lambda: standalone_html(
        backward_animation(graph, lang=language, placement=backward_layout(script, call_index, language),
                           width=BACKWARD_WIDTH)), file_name="backward.html",
        mime="text/html", key="bw_download_html", on_click="ignore", icon=":material/download:")
    st.download_button(tr("common.download_py"), script, file_name="backward.py", mime="text/x-python",
                       key="bw_download_py", on_click="ignore", icon=":material/download:")
