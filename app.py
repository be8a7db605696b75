"""Autograd Explorer: the router. Pages, the shared sidebar (language, about) and session state set-up."""

from __future__ import annotations

import streamlit as st

from app_pages.preload import preload_chart_bundle

st.set_page_config(page_title="Autograd Explorer", page_icon=":material/account_tree:", layout="wide")
# First, before the imports below load the engine: the browser fetches plotly.js meanwhile.
preload_chart_bundle()

from app_pages.common import (  # noqa: E402
    GOTO,
    PAGE_FILES,
    code_styles,
    init_program,
    isolation_note,
    restore_url_state,
    tr,
)
from app_pages.frame import frame_styles, phone_nav  # noqa: E402
from app_pages.share import hide_chosen_parts, share_bar  # noqa: E402
from explorer.i18n import language_name  # noqa: E402
from explorer.state import LANGS, lang_from_locale  # noqa: E402

# A link's state (?lang=vi&view=tensor&code=...) is read once, when the session starts; after that each
# page writes its own state back into the address. Without ?lang the browser's locale decides.
restore_url_state()
if st.session_state.get("lang") not in LANGS:
    st.session_state["lang"] = lang_from_locale(st.context.locale)
init_program()

pages = {
    "learn": st.Page(PAGE_FILES["learn"], title=tr("nav.learn"), icon=":material/school:", default=True,
                     help=tr("nav.learn.help")),
    "playground": st.Page(PAGE_FILES["playground"], title=tr("nav.playground"), icon=":material/code:",
                          url_path="playground", help=tr("nav.playground.help")),
    "backward": st.Page(PAGE_FILES["backward"], title=tr("nav.backward"), icon=":material/undo:",
                        url_path="backward", help=tr("nav.backward.help")),
    "training": st.Page(PAGE_FILES["training"], title=tr("nav.training"), icon=":material/trending_down:",
                        url_path="training", help=tr("nav.training.help")),
}
page = st.navigation(list(pages.values()), position="top")
code_styles()
frame_styles()
hide_chosen_parts()

target = st.session_state.pop(GOTO, None)
if target in pages and pages[target].url_path != page.url_path:
    st.switch_page(pages[target])

with st.sidebar:
    st.selectbox(tr("app.language"), LANGS, key="lang", format_func=language_name, persist_state="session")
    with st.expander(tr("app.about.title"), icon=":material/info:"):
        st.write(tr("app.about.body"))
        isolation_note()
        st.caption(tr("app.share"))

phone_nav(pages.values())
share_bar()
page.run()
