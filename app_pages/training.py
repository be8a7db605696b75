"""Training: simulated epochs, and what calling zero_() (or not) does to .grad, the weights and the loss."""

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
from explorer.training import (
    LEARNING_RATES,
    MAX_EPOCHS,
    MODELS,
    UPDATES,
    ZERO_PLACES,
    TrainingSettings,
    chart_lines,
    counterpart,
    training_history,
    training_script,
)
from figures import EpochRecord, staircase_figure, training_figure

page_state("training")
st.title(tr("tr.title"))
st.caption(tr("tr.intro"))

defaults = TrainingSettings()
with st.container(border=True):
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



settings = TrainingSettings(model=model, epochs=int(epochs), lr=float(lr), zero_at=zero_at, update=update)
sync_url("training")
script = training_script(settings)
other = counterpart(settings)

progress = st.progress(0.0, text=tr("tr.progress", k=0, n=settings.epochs))
record = run_source(script, backward_details=MAX_EPOCHS)
other_record = run_source(training_script(other), backward_details=MAX_EPOCHS)
history = training_history(record, settings.parameters)
other_history = training_history(other_record, other.parameters)

ledger = []
for row in history.rows:
    ledger.append(EpochRecord(row.epoch, row.loss, chart_lines(row.grads), chart_lines(row.values)))
    progress.progress(row.epoch / settings.epochs, text=tr("tr.progress", k=row.epoch, n=settings.epochs))
progress.empty()

if history.error is not None:
    st.error(tr("tr.error"), icon=":material/error:")
    show_error(history.error, script)

st.subheader(tr("tr.charts"))
charts, stairs = st.columns([3, 2], gap="medium")
with charts:
    chart = training_figure(ledger, theme=theme(), lang=lang())
    st.plotly_chart(chart, key="tr_chart", alt=tr("tr.charts"), config={"displaylogo": False})
with stairs:
    main_param = settings.parameters[0]
    grads = [row.grads.get(main_param) for row in history.rows]
    other_grads = [row.grads.get(main_param) for row in other_history.rows]
    zeroing, accumulating = (other_grads, grads) if settings.zero_at == "never" else (grads, other_grads)
    staircase = staircase_figure([g for g in zeroing if g is not None],
                                 [g for g in accumulating if g is not None], theme=theme(), lang=lang())
    st.plotly_chart(staircase, key="tr_staircase", alt=tr("tr.charts"), config={"displaylogo": False})
    other_key = "tr.compare.with" if settings.zero_at == "never" else "tr.compare.never"
    st.caption(tr("tr.compare", other=tr(other_key)))

st.subheader(tr("tr.ledger"))
table: dict[str, list[object]] = {
    tr("tr.col.epoch"): [row.epoch for row in history.rows],
    tr("tr.col.loss"): [row.loss for row in history.rows],
}
for name in history.parameters:
    table[tr("tr.col.grad", name=name)] = [value_text(row.grads.get(name)) for row in history.rows]
    table[tr("tr.col.value", name=name)] = [value_text(row.values.get(name)) for row in history.rows]
st.dataframe(table, hide_index=True, key="tr_ledger")

st.subheader(tr("tr.code"))
st.code(script, language="python", line_numbers=True)
with st.container(horizontal=True):
    st.button(tr("common.open_playground"), key="tr_open", icon=":material/open_in_new:",
              on_click=open_in_playground, args=(script,))
    st.download_button(tr("common.download_py"), script, file_name="training.py", mime="text/x-python",
                       key="tr_download", on_click="ignore", icon=":material/download:")
