"""The share bar at the top of every page: copy the link, and the teacher's lesson link."""

from __future__ import annotations

import streamlit as st

from app_pages.common import labels, tr
from explorer.share import (
    COPY_BUTTON_CSS,
    HIDE_PARAM,
    HIDEABLE,
    PRESENT_PARAM,
    copy_button_html,
    format_hide,
    hide_css,
    parse_hide,
    region_key,
)

DEFAULT_HIDDEN = ("code", "tools")


def copy_button(element_id: str, label: str, params: dict[str, str] | None = None) -> None:
    st.html(COPY_BUTTON_CSS + copy_button_html(element_id, label, tr("share.copied"), params),
            width="content", unsafe_allow_javascript=True)


def hide_chosen_parts() -> None:
    """Hide what the link's `hide=` names (a lesson link a teacher made)."""
    style = hide_css(parse_hide(st.session_state.get(HIDE_PARAM)))
    if style:
        st.html(style)


def share_bar() -> None:
    with st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center",
                      key="share_bar"):
        copy_button("copy-link", tr("share.copy"))
        teacher = st.container(key=region_key("tools", "teacher"), width="content")
        with teacher, st.popover(tr("share.teacher"), icon=":material/co_present:"):
            st.caption(tr("share.teacher.intro"))
            parts = st.multiselect(tr("share.hide"), HIDEABLE, default=DEFAULT_HIDDEN, key="share_hide",
                                   format_func=labels(lambda part: f"share.part.{part}"))
            present = st.checkbox(tr("share.present"), value=True, key="share_present")
            copy_button("copy-lesson-link", tr("share.copy_lesson"),
                        {HIDE_PARAM: format_hide(parts), PRESENT_PARAM: "1" if present else ""})
