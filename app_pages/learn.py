"""Learn: the seed lesson's four sections, each with its code, its graph and a predict-then-reveal question.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    figure_of,
    labels,
    lang,
    open_in_playground,
    page_state,
    run_source,
    show_output,
    sync_url,
    theme,
    tr,
)
from explorer.lessons import LESSONS, LESSONS_BY_ID
from explorer.share import region_key

page_state("learn")
st.title(tr("learn.title"))
st.caption(tr("learn.intro"))

lesson_id = st.segmented_control(
    tr("learn.pick"), [lesson.id for lesson in LESSONS],
    format_func=labels(lambda key: f"lesson.{key}.short"),
    key="lesson", required=True, width="stretch", persist_state="session",
)
lesson = LESSONS_BY_ID.get(lesson_id or "", LESSONS[0])
sync_url("learn")
record = run_source(lesson.code)

st.header(tr(f"lesson.{lesson.id}.title"), divider="gray")
explanation, picture = st.columns(2, gap="large")

with explanation:
    st.markdown(tr(f"lesson.{lesson.id}.body"))
    with st.container(key=region_key("code", "learn")):
        st.code(lesson.code, language="python", line_numbers=True, wrap_lines=True)
    with st.container(key=region_key("tools", "learn")):
        st.button(tr("common.open_playground"), key=f"learn_open_{lesson.id}", icon=":material/open_in_new:",
                  on_click=open_in_playground, args=(lesson.code,))

with picture:
    st.subheader(tr("common.graph"))
    st.plotly_chart(figure_of(lesson.code, "autograd", None, theme(), lang()), key=f"learn_graph_{lesson.id}",
                    alt=tr("common.graph_alt"), config={"displaylogo": False})

revealed_key = f"learn_revealed_{lesson.id}"


def reveal() -> None:
    st.session_state[revealed_key] = True


with st.container(border=True):
    st.subheader(tr("learn.question"))
    st.markdown(tr(f"lesson.{lesson.id}.question"))
    answer = st.radio(
        tr("learn.question"), range(len(lesson.choices)),
        format_func=labels(lambda index: lesson.choices[index]),
        index=None, key=f"learn_answer_{lesson.id}", label_visibility="collapsed",
    )
    st.button(tr("learn.reveal"), key=f"learn_reveal_{lesson.id}", on_click=reveal, type="primary",
              icon=":material/visibility:")
    if st.session_state.get(revealed_key):
        right_answer = tr(lesson.choices[lesson.answer])
        if answer == lesson.answer:
            st.success(tr("learn.right"), icon=":material/check_circle:")
        elif answer is None:
            # Nothing was chosen, so nothing was wrong: just the answer.
            st.info(tr("learn.answer", answer=right_answer), icon=":material/lightbulb:")
        else:
            st.warning(tr("learn.wrong", answer=right_answer), icon=":material/lightbulb:")
        st.markdown(tr(f"lesson.{lesson.id}.explain"))
        with st.container(key=region_key("output", "learn")):
            st.caption(tr("learn.printed"))
            show_output(record, lesson.code)
