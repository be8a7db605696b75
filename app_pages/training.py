"""Training: simulated epochs, and what calling zero_() (or not) does to .grad, the weights and the loss.

The whole run is computed once (cached); the player only decides how many of its epochs are drawn, so
play, pause, one epoch and reset never re-run the program.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    labels,
    lang,
    open_in_playground,
    page_state,
    run_source,
    show_error,
    sync_url,
    theme,
    tr,
)
from explorer.runinfo import value_text
from explorer.share import region_key
from explorer.training import (
    LEARNING_RATES,
    MAX_EPOCHS,
    MODELS,
    UPDATES,
    ZERO_PLACES,
    TrainingHistory,
    TrainingSettings,
    chart_lines,
    compare_caption_keys,
    counterpart,
    grad_ledger,
    playback_for,
    training_history,
    training_script,
)
from figures import EpochRecord, staircase_figure, training_figure

PLAYER = "tr_player"     # (the settings it plays, its Playback)
TICK_SECONDS = 0.8       # one epoch per tick: slow enough to read the ledger change on a projector


def player_action(action: str) -> None:
    """Callback of the player's buttons: play/pause, one epoch, reset."""
    settings, playback = st.session_state[PLAYER]
    st.session_state[PLAYER] = (settings, getattr(playback, action)())


def controls() -> TrainingSettings:
    defaults = TrainingSettings()
    with st.container(border=True, key=region_key("controls", "training")):
        first, second = st.columns(2, gap="medium")
        with first:
            model = st.segmented_control(tr("tr.model"), MODELS, key="tr_model", required=True,
                                         format_func=labels(lambda key: f"tr.model.{key}"),
                                         help=tr("tr.model.help"),
                                         persist_state="session") or defaults.model
            epochs = st.slider(tr("tr.epochs"), 1, MAX_EPOCHS, key="tr_epochs", persist_state="session")
            lr = st.select_slider(tr("tr.lr"), LEARNING_RATES, key="tr_lr", persist_state="session")
        with second:
            zero_at = st.segmented_control(tr("tr.zero"), ZERO_PLACES, key="tr_zero", required=True,
                                           format_func=labels(lambda key: f"tr.zero.{key}"),
                                           persist_state="session") or defaults.zero_at
            update = st.segmented_control(tr("tr.update"), UPDATES, key="tr_update", required=True,
                                          format_func=labels(lambda key: f"tr.update.{key}"),
                                          persist_state="session") or defaults.update
    return TrainingSettings(model=model, epochs=int(epochs), lr=float(lr), zero_at=zero_at, update=update)


def player_buttons(playing: bool, at_end: bool) -> None:
    with st.container(horizontal=True, key="tr_player_bar"):
        st.button(tr("tr.pause") if playing else tr("tr.play"), key="tr_play", type="primary",
                  icon=":material/pause:" if playing else ":material/play_arrow:",
                  on_click=player_action, args=("toggle",), help=tr("tr.player.help"))
        st.button(tr("tr.step"), key="tr_step", icon=":material/skip_next:", disabled=at_end and not playing,
                  on_click=player_action, args=("step",))
        st.button(tr("tr.reset"), key="tr_reset", icon=":material/replay:", on_click=player_action,
                  args=("reset",))


def epoch_ledger(history: TrainingHistory, shown: int) -> None:
    """The `.grad` ledger of the last epoch shown: before backward(), its contribution, after."""
    if shown == 0:
        st.info(tr("tr.not_started"), icon=":material/play_circle:")
        return
    st.markdown(f"**{tr('tr.epoch_ledger', k=shown)}** · {tr('tr.epoch_ledger.intro')}")
    entries = grad_ledger(history.rows[shown - 1])
    # A table, not a dataframe: three rows at most, read from the back of a classroom.
    st.table({
        tr("tr.col.param"): [entry.name for entry in entries],
        tr("tr.col.before"): [value_text(entry.before) for entry in entries],
        tr("tr.col.contribution"): [value_text(entry.contribution) for entry in entries],
        tr("tr.col.after"): [value_text(entry.after) for entry in entries],
    }, hide_index=True)


def charts(settings: TrainingSettings, history: TrainingHistory, other: TrainingHistory, shown: int) -> None:
    rows = history.rows[:shown]
    ledger = [EpochRecord(row.epoch, row.loss, chart_lines(row.grads), chart_lines(row.values))
              for row in rows]
    left, right = st.columns([3, 2], gap="medium")
    with left:
        chart = training_figure(ledger, epochs=settings.epochs, theme=theme(), lang=lang())
        st.plotly_chart(chart, key="tr_chart", alt=tr("tr.charts"), config={"displaylogo": False})
    with right:
        main = settings.parameters[0]
        grads = [row.grads.get(main) for row in rows]
        other_grads = [row.grads.get(main) for row in other.rows[:shown]]
        zeroing, accumulating = (other_grads, grads) if settings.zero_at == "never" else (grads, other_grads)
        staircase = staircase_figure([g for g in zeroing if g is not None],
                                     [g for g in accumulating if g is not None], calls=settings.epochs,
                                     theme=theme(), lang=lang())
        st.plotly_chart(staircase, key="tr_staircase", alt=tr("tr.charts"), config={"displaylogo": False})
        other_key = "tr.compare.with" if settings.zero_at == "never" else "tr.compare.never"
        caption = compare_caption_keys(zeroing, accumulating)
        st.caption(" ".join(tr(key, other=tr(other_key)) for key in caption))


def full_ledger(history: TrainingHistory, shown: int) -> None:
    rows = history.rows[:shown]
    table: dict[str, list[object]] = {
        tr("tr.col.epoch"): [row.epoch for row in rows],
        tr("tr.col.loss"): [row.loss for row in rows],
    }
    for name in history.parameters:
        table[tr("tr.col.grad", name=name)] = [value_text(row.grads.get(name)) for row in rows]
        table[tr("tr.col.value", name=name)] = [value_text(row.values.get(name)) for row in rows]
    st.dataframe(table, hide_index=True, key="tr_ledger")


# --- page ------------------------------------------------------------------------------------------------

page_state("training")
st.title(tr("tr.title"))
st.caption(tr("tr.intro"))
settings = controls()
sync_url("training")
script = training_script(settings)
other_settings = counterpart(settings)
history = training_history(run_source(script, backward_details=MAX_EPOCHS), settings.parameters)
other = training_history(run_source(training_script(other_settings), backward_details=MAX_EPOCHS),
                         other_settings.parameters)
if history.error is not None:
    st.error(tr("tr.error"), icon=":material/error:")
    show_error(history.error, script)

playback = playback_for(st.session_state.get(PLAYER), settings)
st.session_state[PLAYER] = (settings, playback)
st.subheader(tr("tr.charts"))
player_buttons(playback.playing, playback.at_end)


@st.fragment(run_every=TICK_SECONDS if playback.playing else None)
def live_picture() -> None:
    """The picture of the epochs shown so far; while playing, each tick shows one more."""
    stored_settings, current = st.session_state[PLAYER]
    if current.playing:
        current = current.tick()
        st.session_state[PLAYER] = (stored_settings, current)
    # The run has as many rows as epochs unless it stopped with an error.
    shown = min(current.shown, len(history.rows))
    st.progress(shown / settings.epochs, text=tr("tr.progress", k=shown, n=settings.epochs))
    epoch_ledger(history, shown)
    charts(settings, history, other, shown)
    st.subheader(tr("tr.ledger"))
    full_ledger(history, shown)
    if not current.playing and playback.playing:
        st.rerun()  # the last epoch is in: a full run stops the timer and turns Pause back into Play


live_picture()

with st.container(key=region_key("code", "training")):
    st.subheader(tr("tr.code"))
    st.code(script, language="python", line_numbers=True)
with st.container(horizontal=True, key=region_key("tools", "training")):
    st.button(tr("common.open_playground"), key="tr_open", icon=":material/open_in_new:",
              on_click=open_in_playground, args=(script,))
    st.download_button(tr("common.download_py"), script, file_name="training.py", mime="text/x-python",
                       key="tr_download", on_click="ignore", icon=":material/download:")
