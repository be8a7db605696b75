"""Sharing: the copy-link button, the teacher's lesson link and the parts of a page it hides."""

from __future__ import annotations

import json

import pytest

from explorer.share import HIDEABLE, copy_button_html, format_hide, hide_css, parse_hide, region_key
from explorer.urlparams import LINK_PARAMS
from tests.app.conftest import start


def test_hide_reads_known_parts_in_a_fixed_order_and_ignores_the_rest():
    assert parse_hide("tools, CODE,nonsense") == ("code", "tools")
    assert parse_hide("") == () and parse_hide(None) == ()
    assert format_hide(["tools", "code", "code"]) == "code,tools"


def test_hide_css_hides_the_marked_regions_and_the_frame():
    css = hide_css(("code", "sidebar"))
    assert '[class*="st-key-hide_code_"]' in css and 'section[data-testid="stSidebar"]' in css
    assert "tools" not in css
    assert hide_css(()) == ""


def test_region_keys_name_a_hideable_part():
    assert region_key("tools", "learn") == "hide_tools_learn"
    with pytest.raises(ValueError):
        region_key("everything", "learn")
    assert set(HIDEABLE) >= {"code", "tools"}


def test_the_copy_button_copies_the_address_with_the_lesson_link_params():
    markup = copy_button_html("copy-lesson", "Copy", "Copied", {"hide": "code,tools", "present": "1"})
    assert 'id="copy-lesson"' in markup
    assert json.dumps({"hide": "code,tools", "present": "1"}) in markup
    assert "navigator.clipboard.writeText" in markup and 'execCommand("copy")' in markup
    assert "<span>Copy</span>" in markup


def test_the_hide_parameter_survives_moving_between_pages():
    assert "hide" in LINK_PARAMS
    at = start("en", query={"hide": "code,tools"})
    assert at.query_params["hide"] == "code,tools"
    at.switch_page("app_pages/training.py").run()
    assert at.query_params["hide"] == "code,tools"


def _html(at) -> str:
    return "\n".join(element.proto.body for element in at.get("html"))


def test_a_lesson_link_sends_the_style_that_hides_its_parts():
    at = start("vi", query={"hide": "code"})
    assert '[class*="st-key-hide_code_"]' in _html(at)
    assert '[class*="st-key-hide_code_"]' not in _html(start("vi"))


@pytest.mark.parametrize("lang, label", [("en", "Copy link"), ("vi", "Sao chép liên kết")])
def test_every_page_has_the_copy_link_button(lang, label):
    for page in ("app_pages/learn.py", "app_pages/playground.py", "app_pages/backward.py",
                 "app_pages/training.py"):
        at = start(lang, page)
        assert f"<span>{label}</span>" in _html(at), page
