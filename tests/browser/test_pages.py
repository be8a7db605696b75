"""Every page in a real browser: it loads without errors, a preset runs, a click inspects, stepping ends
at x.grad, the language switch translates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from explorer.i18n import t
from explorer.lessons import LESSONS_BY_ID
from explorer.presets import preset_code
from explorer.state import encode_source
from tests.browser.helpers import screenshot, wait_for_app
from tests.figures.learner_programs import CUTS, EIGHT_PARAMETERS, LINEAR_REGRESSION, MLP_TRAINING

PAGES = {"": "learn.title", "playground": "pg.title", "backward": "bw.title", "training": "tr.title"}


def open_page(page: Page, base: str, path: str, **query: str) -> None:
    suffix = "&".join(f"{key}={value}" for key, value in query.items())
    page.goto(f"{base}/{path}" + (f"?{suffix}" if suffix else ""))
    wait_for_app(page, settle_ms=600)


def assert_no_errors(page: Page) -> None:
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("[data-testid='stAlertContentError']")).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_loads_without_an_error(app_url: str, page: Page, path: str, lang: str):
    open_page(page, app_url, path, lang=lang)
    expect(page.locator("h1").first).to_have_text(t(PAGES[path], lang))
    if path != "training":
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert_no_errors(page)
    screenshot(page, f"page_{path or 'learn'}_{lang}")


def test_a_preset_runs(app_url: str, page: Page):
    open_page(page, app_url, "playground", lang="en")
    page.get_by_test_id("stSelectbox").filter(has_text=t("pg.preset", "en")).click()
    page.get_by_role("option", name=t("preset.seed15", "en")).click()
    wait_for_app(page, settle_ms=800)
    expect(page.locator(".st-key-run_output")).to_contain_text(
        "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01, 2.0480e+01, 2.0480e+00])")
    assert_no_errors(page)
    screenshot(page, "preset_seed15")


def test_clicking_a_node_fills_the_inspector(app_url: str, page: Page):
    open_page(page, app_url, "playground", lang="en", code=encode_source(preset_code("seed10")))
    inspector = page.locator(".st-key-pg_inspector")
    expect(inspector).to_have_count(0)
    points = page.locator(".js-plotly-plot .scatterlayer path.point.plotly-customdata")
    expect(points.first).to_be_visible()
    points.first.scroll_into_view_if_needed()  # the graph sits under the code
    box = points.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_app(page, settle_ms=800)
    expect(inspector).to_be_visible()
    expect(inspector).to_contain_text(t("pg.field.requires_grad", "en"))
    assert_no_errors(page)
    screenshot(page, "inspector")


def test_stepping_backward_to_the_end_shows_x_grad(app_url: str, page: Page):
    open_page(page, app_url, "backward", lang="en", code=encode_source(preset_code("seed10")))
    page.get_by_role("button", name=t("bw.next", "en")).click()
    wait_for_app(page)
    page.get_by_role("button", name=t("bw.last", "en")).click()
    wait_for_app(page, settle_ms=800)
    expect(page.get_by_text("x.grad = tensor([1., 1., 1.])")).to_be_visible()
    assert_no_errors(page)
    screenshot(page, "backward_last_step")


def test_the_language_switch_changes_the_texts(app_url: str, page: Page):
    open_page(page, app_url, "playground", lang="en")
    expect(page.locator("h1").first).to_have_text(t("pg.title", "en"))
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name="Tiếng Việt").click()
    wait_for_app(page, settle_ms=600)
    expect(page.locator("h1").first).to_have_text(t("pg.title", "vi"))
    expect(page.get_by_text(t("pg.intro", "vi"))).to_be_visible()
    assert "lang=vi" in page.url
    screenshot(page, "language_switched_vi")


def test_open_in_the_playground_goes_there_with_the_lessons_code(app_url: str, page: Page):
    open_page(page, app_url, "", lang="vi", lesson="vjp")
    page.get_by_role("button", name=t("common.open_playground", "vi")).click()
    wait_for_app(page, settle_ms=800)
    expect(page.locator("h1").first).to_have_text(t("pg.title", "vi"))
    expect(page.locator(".st-key-pg_code textarea")).to_have_value(LESSONS_BY_ID["vjp"].code)
    assert "/playground" in page.url and "code=" in page.url and "lang=vi" in page.url
    assert_no_errors(page)


@pytest.mark.parametrize("width, lang", [(1440, "en"), (1024, "vi"), (390, "vi")])
@pytest.mark.parametrize("program", [LINEAR_REGRESSION, EIGHT_PARAMETERS, MLP_TRAINING, CUTS])
def test_the_whole_graph_is_in_view(app_url: str, page: Page, program: str, width: int, lang: str):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, app_url, "playground", lang=lang, code=encode_source(program))
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    area = page.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
    points = page.locator(".js-plotly-plot .scatterlayer .trace path.point")
    expect(points.first).to_be_attached()
    boxes = points.evaluate_all("els => els.map(e => { const r = e.getBoundingClientRect(); "
                                "return [r.x + r.width / 2, r.y + r.height / 2]; })")
    assert len(boxes) >= 5
    for x, y in boxes:
        assert area["x"] - 1 <= x <= area["x"] + area["width"] + 1, (x, area)
        assert area["y"] - 1 <= y <= area["y"] + area["height"] + 1, (y, area)
    assert_no_errors(page)
