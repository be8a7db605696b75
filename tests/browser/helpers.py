"""Helpers for browser tests: wait for a Streamlit run to finish, save screenshots."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "test-output" / "screenshots"

# "initial" until the first run starts, then "running"; "notRunning" once a run has finished.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_for_app(page: Page, timeout_ms: float = 60_000, settle_ms: float = 300) -> None:
    """Block until the app's script run has finished, then let the frontend finish painting.

    Args:
        page: a page showing the app.
        timeout_ms: how long the run may take before the test fails.
        settle_ms: pause after the run, for elements that render after the script is done (charts).
    """
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
    page.wait_for_timeout(settle_ms)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-output/screenshots/<name>.png and return its path.

    Args:
        page: the page to capture.
        name: file name without extension.

    Returns:
        The path of the written file.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
