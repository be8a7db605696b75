"""The classroom features in a real browser: the Training player, hints under errors with their fixes,
the copy-link button, the teacher's lesson link, page links on a phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from explorer.i18n import t
from explorer.state import encode_source
from tests.browser.conftest import VIEWPORT
from tests.browser.helpers import screenshot, wait_for_app
from tests.browser.test_pages import assert_no_errors, open_page

NON_SCALAR = "import torch\nx = torch.ones(3, requires_grad=True)\ny = x * 2\ny.backward()\nprint(x.grad)\n"


@pytest.fixture
def clipboard_page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A page allowed to write and read the clipboard (the copy buttons' target)."""
    context = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    try:
        yield context.new_page()
    finally:
        context.close()


def _button(page: Page, key: str, label: str):
    return page.locator(f".st-key-{key}").get_by_role("button", name=label, exact=True)


def _expect_progress(page: Page, text: str, timeout: float = 5_000) -> None:
    # While a rerun replaces the bar, Streamlit can show the old one beside the new one for a moment:
    # exactly one bar must come to read `text`.
    expect(page.get_by_test_id("stProgress").filter(has_text=text)).to_have_count(1, timeout=timeout)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_training_reset_step_and_play_run_the_epochs(app_url: str, page: Page, lang: str):
    open_page(page, app_url, "training", lang=lang, tr_zero="never")
    _expect_progress(page, t("tr.progress", lang, k=5, n=5))
    _button(page, "tr_reset", t("tr.reset", lang)).click()
    wait_for_app(page)
    _expect_progress(page, t("tr.progress", lang, k=0, n=5))
    expect(page.get_by_text(t("tr.not_started", lang))).to_be_visible()
    _button(page, "tr_step", t("tr.step", lang)).click()
    wait_for_app(page)
    _button(page, "tr_step", t("tr.step", lang)).click()
    wait_for_app(page, settle_ms=600)
    _expect_progress(page, t("tr.progress", lang, k=2, n=5))
    ledger = page.get_by_test_id("stTable")
    expect(ledger).to_contain_text(t("tr.col.contribution", lang))
    expect(ledger).to_contain_text("tensor([10., 10., 10., 10.])")  # 5 before + 5 from this backward()
    _button(page, "tr_play", t("tr.play", lang)).click()
    expect(_button(page, "tr_play", t("tr.pause", lang))).to_be_visible()
    screenshot(page, f"training_playing_{lang}")
    # One epoch per tick, then the player stops by itself and offers Play again.
    _expect_progress(page, t("tr.progress", lang, k=5, n=5), timeout=20_000)
    expect(_button(page, "tr_play", t("tr.play", lang))).to_be_visible(timeout=10_000)
    assert_no_errors(page)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_an_error_shows_torchs_message_a_hint_and_a_fix_that_works(app_url: str, page: Page, lang: str):
    open_page(page, app_url, "playground", lang=lang, code=encode_source(NON_SCALAR))
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        "grad can be implicitly created only for scalar outputs")
    hint = page.locator(".st-key-error_hint")
    expect(hint).to_contain_text(t("hint.non_scalar", lang)[:40])
    screenshot(page, f"error_hint_{lang}")
    hint.get_by_role("button", name=t("fix.sum", lang)).click()
    wait_for_app(page, settle_ms=800)
    expect(page.locator(".st-key-pg_code textarea")).to_contain_text("y.sum().backward()")
    expect(page.locator(".st-key-run_output")).to_contain_text("tensor([2., 2., 2.])")
    assert_no_errors(page)


def test_a_syntax_error_says_the_program_did_not_run(app_url: str, page: Page):
    open_page(page, app_url, "playground", lang="vi", code=encode_source("import torch\nx = = 1\n"))
    expect(page.get_by_text(t("common.did_not_run", "vi"))).to_be_visible()
    expect(page.get_by_text(t("common.empty_graph", "vi"))).to_have_count(0)


def test_copy_link_copies_the_address_of_what_is_shown(app_url: str, clipboard_page: Page):
    page = clipboard_page
    open_page(page, app_url, "training", lang="vi", tr_epochs="12")
    button = page.locator("#copy-link")
    expect(button).to_contain_text(t("share.copy", "vi"))
    button.click()
    expect(button).to_contain_text(t("share.copied", "vi"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    assert "/training" in copied and "tr_epochs=12" in copied and "lang=vi" in copied


def test_the_lesson_link_hides_the_chosen_parts(app_url: str, clipboard_page: Page):
    page = clipboard_page
    open_page(page, app_url, "", lang="en", lesson="zero")
    expect(page.locator(".st-key-hide_code_learn")).to_be_visible()
    page.get_by_text(t("share.teacher", "en")).click()
    page.locator("#copy-lesson-link").click()
    link = page.evaluate("navigator.clipboard.readText()")
    assert "lesson=zero" in link and "present=1" in link
    assert "hide=code%2Ctools" in link or "hide=code,tools" in link
    screenshot(page, "teacher_popover")
    student = page.context.new_page()
    student.goto(link)
    wait_for_app(student, settle_ms=800)
    expect(student.locator("h2").first).to_contain_text(t("lesson.zero.title", "en"))
    expect(student.locator(".st-key-hide_code_learn")).to_be_hidden()
    expect(student.locator(".st-key-hide_tools_learn")).to_be_hidden()
    expect(student.locator(".st-key-hide_tools_teacher")).to_be_hidden()
    expect(student.locator("#copy-link")).to_be_visible()
    assert "hide=" in student.url  # the link keeps hiding as the class moves on
    screenshot(student, "lesson_link_student")


def test_a_phone_shows_the_page_links(browser: Browser, app_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        open_page(page, app_url, "playground", lang="vi")
        links = page.locator(".st-key-hide_nav_phone")
        expect(links).to_be_visible()
        links.get_by_role("link", name=t("nav.training", "vi")).first.click()
        wait_for_app(page, settle_ms=600)
        expect(page.locator("h1").first).to_have_text(t("tr.title", "vi"))
        screenshot(page, "phone_training_vi")
    finally:
        context.close()
