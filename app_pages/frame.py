"""The app's frame around every page: spacing, controls that fit narrow screens, page links on a phone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from explorer.share import region_key

PHONE_NAV = region_key("nav", "phone")
# Streamlit folds the top navigation into the sidebar (behind ») below this width.
TOP_NAV_MIN_WIDTH = 768

FRAME_CSS = f"""<style>
/* Streamlit leaves ~130 px above the first element; the fixed header needs ~60 px of it. */
[data-testid="stMainBlockContainer"] {{padding-top: 4.25rem;}}
/* Segmented controls wrap instead of scrolling their last option out of sight in a narrow column; each
   option then keeps a whole border of its own, so a wrapped row does not look cut off. */
[data-testid="stButtonGroup"] [role="radiogroup"] {{flex-wrap: wrap; gap: 0.25rem;}}
[data-testid="stButtonGroup"] [role="radiogroup"] > button[data-variant="segmented_control"] {{
  border-radius: 0.5rem; margin-right: 0;}}
/* Streamlit hides the side an option shares with its neighbour; apart, each needs all four sides. */
[data-testid="stButtonGroup"] [role="radiogroup"] > button[aria-checked="false"] {{
  border-color: color-mix(in srgb, currentColor 22%, transparent) !important;}}
/* The page links the header hides on a phone, shown as a row of links of our own. */
.st-key-{PHONE_NAV} {{display: none;}}
@media (max-width: {TOP_NAV_MIN_WIDTH - 0.02}px) {{
  .st-key-{PHONE_NAV} {{display: flex;}}
}}
</style>"""


def frame_styles() -> None:
    st.html(FRAME_CSS)


def phone_nav(pages: Iterable[Any]) -> None:
    """Links to every page, for screens too narrow for the header's own (CSS shows them only there)."""
    with st.container(horizontal=True, key=PHONE_NAV, gap="small"):
        for page in pages:
            st.page_link(page, width="content")
