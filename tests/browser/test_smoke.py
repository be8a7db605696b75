"""The app starts and renders its first page without an exception."""

from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, wait_for_app


def test_app_root_renders_without_exception(app_url: str, page: Page) -> None:
    page.goto(app_url)
    wait_for_app(page)
    screenshot(page, "smoke_root")

    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("h1").first).to_be_visible()
    assert page.title().strip(), "the page has no title"
