"""The web chat end to end in headless Chromium (Debian `chromium`, driven by Playwright).

A verified customer cancels an order by clicking Confirm; a policy question shows the streamed reply
with a citation link that opens the cited section; the widget's one script tag opens the same chat.
Skipped, with the reason, where /usr/bin/chromium or Playwright is missing (CI installs both).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install the Debian packages (apt-get install -y chromium chromium-driver)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install '.[dev]')"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def _open(page: Any) -> None:
    page.goto("/")
    page.wait_for_selector("body[data-ready='true']")


def _send(page: Any, text: str) -> str:
    """Type a message, press Enter, wait for the reply to finish; returns the reply's text."""
    before = page.locator("li.msg.assistant").count()
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    return _wait_reply(page, before)


def _wait_reply(page: Any, before: int) -> str:
    page.wait_for_function(
        "n => document.querySelectorAll('li.msg.assistant').length > n"
        " && !document.getElementById('send').disabled",
        arg=before,
    )
    text: str = page.locator("li.msg.assistant .body").last.inner_text()
    return text


def test_verified_customer_cancels_by_clicking_confirm(page: Any, server: Server) -> None:
    customer, order = server.customer_with("pending")
    _open(page)
    assert "store assistant" in page.locator("li.msg.assistant .body").first.inner_text()
    assert "verify your identity" in _send(page, "Hi, I'd like to cancel an order.")
    _send(page, f"my email is {customer.email}")
    _send(page, f"It's order {order.id}")
    _send(page, "I don't need it anymore")
    confirm = page.get_by_role("button", name="Confirm")
    assert confirm.is_visible() and page.get_by_role("button", name="Cancel").is_visible()
    assert order.id in page.locator(".proposal .summary").last.inner_text()
    assert server.order_status(order.id) == "pending"
    before = page.locator("li.msg.assistant").count()
    confirm.click()
    assert "cancelled" in _wait_reply(page, before)
    assert page.locator("li.msg.customer .body").last.inner_text() == "yes"
    assert confirm.is_disabled()  # a proposal is answered once
    assert server.order_status(order.id) == "cancelled"


def test_policy_answer_streams_with_a_citation_link(page: Any, server: Server) -> None:
    _open(page)
    reply = _send(page, "Which payment methods do you accept?")
    assert "PayPal" in reply
    link = page.locator("li.msg.assistant .citations a").last
    assert "Payments" in link.inner_text()
    href = link.get_attribute("href")
    assert href and "/kb/payments#" in href
    page.goto(href)
    assert page.locator("h1").inner_text() == "Payments"
    assert page.locator(f"#{href.split('#')[1]}").is_visible()


def test_page_is_labelled_for_screen_readers(page: Any) -> None:
    _open(page)
    log = page.get_by_role("log", name="Conversation")
    assert log.get_attribute("aria-live") == "polite"
    assert page.evaluate("document.activeElement.id") == "message"  # ready to type without the mouse
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "send"
    assert page.get_by_role("button", name="New conversation").is_enabled()


def test_reload_keeps_the_conversation(page: Any) -> None:
    _open(page)
    _send(page, "Which payment methods do you accept?")
    page.reload()
    page.wait_for_selector("body[data-ready='true']")
    assert page.locator("li.msg.customer .body").last.inner_text() == "Which payment methods do you accept?"


def test_widget_script_tag_opens_the_chat(page: Any, server: Server, tmp_path: Path) -> None:
    page.set_content(
        f"<html><body><h1>Some shop</h1><script src='{server.url}/widget.js'></script></body></html>"
    )
    page.get_by_role("button", name="Chat with us").click()
    button = page.locator("#shopkeeper-widget-button")
    assert button.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("iframe[title='Store assistant chat']")
    frame.locator("body[data-ready='true']").wait_for()
    assert "store assistant" in frame.locator("li.msg.assistant .body").first.inner_text()
    page.keyboard.press("Escape")  # inside the frame: it posts "shopkeeper:close" to the page, asynchronously
    sync_api.expect(button).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.id") == "shopkeeper-widget-button"


def test_chromium_is_the_system_package() -> None:
    assert shutil.which("chromium") == str(CHROMIUM) or CHROMIUM.exists()
