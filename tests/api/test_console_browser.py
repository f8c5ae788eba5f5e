"""The staff console end to end in headless Chromium (Debian `chromium`, driven by Playwright).

The whole path: a staff member signs in (the signed-out request is redirected to the sign-in page), a
customer in the web chat asks for a person, the handoff appears in the inbox without a reload, the
staff member takes it over, replies with the keyboard, the customer reads the reply in the chat, and the
staff member hands it back. Also: a knowledge upload that the next customer question cites; a second
staff member refused on a taken conversation; keyboard use and ARIA labels.
Skipped, with the reason, where /usr/bin/chromium or Playwright is missing (CI installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.staff import Staff
from tests.api.conftest import Server

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "correct horse battery"

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install the Debian packages (apt-get install -y chromium chromium-driver)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install '.[dev]')"
)
expect = sync_api.expect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def users(server: Server) -> None:
    staff = Staff(server.db)
    for name, role in (("alice", "agent"), ("bob", "agent"), ("olga", "owner")):
        staff.create_user(name, PASSWORD, role)


@pytest.fixture
def pages(browser: Any, server: Server, users: None) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (its own cookies: one person each)."""
    contexts = []

    def new() -> Any:
        context = browser.new_context(base_url=server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield new
    for context in contexts:
        context.close()


def sign_in(page: Any, name: str, path: str = "/console") -> None:
    page.goto(path)
    assert "/console/login" in page.url  # signed out: redirected
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path}")


def open_chat(page: Any) -> str:
    page.goto("/")
    page.wait_for_selector("body[data-ready='true']")
    cid: str = page.evaluate("sessionStorage.getItem('shopkeeper.conversation')")
    return cid


def say(page: Any, text: str) -> str:
    before = page.locator("li.msg.assistant").count()
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('li.msg.assistant').length > n && !document.getElementById('send').disabled",
        arg=before,
    )
    reply: str = page.locator("li.msg.assistant .body").last.inner_text()
    return reply


def test_handoff_taken_over_answered_and_handed_back(pages: Any, server: Server) -> None:
    staff, customer = pages(), pages()
    sign_in(staff, "alice")
    staff.wait_for_selector("body[data-live='true']")
    cid = open_chat(customer)
    assert "transferring you" in say(customer, "I'd like to talk to a person, please")
    item = staff.locator(f"#inbox li[data-id='{cid}']")
    expect(item).to_be_visible()  # arrived without a reload
    assert "Reason for handoff" in item.inner_text()
    staff.get_by_role("button", name=f"Take over conversation {cid[:8]}").click()
    staff.wait_for_url(f"**/console/c/{cid}?done=took")
    expect(staff.get_by_role("status").first).to_contain_text("You took over")
    reply = staff.get_by_label("Reply to the customer")
    expect(reply).to_be_focused()
    reply.fill("Hello, this is Alice from the shop. How can I help?")
    staff.keyboard.press("Control+Enter")
    staff.wait_for_url("**done=replied")
    message = customer.locator("li.msg.staff .body").last
    expect(message).to_have_text("Hello, this is Alice from the shop. How can I help?")
    expect(customer.locator("li.msg.notice").last).to_contain_text("has joined")
    staff.get_by_role("button", name="Hand back to the assistant").click()
    staff.wait_for_url("**done=handed_back")
    expect(customer.locator("li.msg.notice").last).to_contain_text("back with the store assistant")
    assert "PayPal" in say(customer, "Which payment methods do you accept?")


def test_second_staff_member_is_refused(pages: Any, server: Server) -> None:
    cid = server.conversation()
    server.say(cid, "Can I speak to a human?")
    alice, bob = pages(), pages()
    sign_in(alice, "alice")
    sign_in(bob, "bob")
    bob.goto(f"/console/c/{cid}")
    alice.goto(f"/console/c/{cid}")
    alice.get_by_role("button", name="Take over").click()
    alice.wait_for_url("**done=took")
    bob.get_by_role("button", name="Take over").click()
    expect(bob.get_by_role("alert")).to_have_text("alice has already taken over this conversation.")
    expect(bob.get_by_label("Reply to the customer")).to_have_count(0)


def test_uploaded_document_is_cited_by_the_next_question(pages: Any, tmp_path: Path) -> None:
    owner, customer = pages(), pages()
    open_chat(customer)
    question = "How long does delivery to Iceland take?"
    assert "Iceland Post" not in say(customer, question)
    sign_in(owner, "olga", "/console/knowledge")
    doc = tmp_path / "iceland-shipping.md"
    doc.write_text(
        "# Shipping to Iceland\n\n## Delivery times to Iceland\n\nOrders shipped to Iceland arrive in 9 to 12 "
        "business days with Iceland Post. Customs fees for Iceland are paid by the customer on delivery.\n"
    )
    owner.get_by_label("Markdown, HTML, PDF or text file").set_input_files(str(doc))
    owner.get_by_role("button", name="Upload", exact=True).click()
    expect(owner.get_by_role("status").first).to_contain_text("searchable now")
    expect(owner.get_by_role("link", name="Shipping to Iceland")).to_be_visible()
    assert "Iceland Post" in say(customer, question)
    link = customer.locator("li.msg.assistant .citations a").last
    assert "Shipping to Iceland" in link.inner_text()
    assert "/kb/iceland-shipping#" in (link.get_attribute("href") or "")


def test_keyboard_and_labels(pages: Any) -> None:
    page = pages()
    page.goto("/console/dashboard")
    assert "/console/login?next=%2Fconsole%2Fdashboard" in page.url
    assert page.evaluate("document.activeElement.id") == "name"  # ready to type
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/dashboard")
    assert page.get_by_role("img", name="Conversations per day").count() == 1
    page.goto("/console")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    expect(page.get_by_role("navigation", name="Console")).to_be_visible()
    expect(page.get_by_role("list", name="Conversations waiting for a person, oldest first")).to_be_attached()
    assert page.get_by_role("status").first.get_attribute("aria-live") == "polite"
    assert page.get_by_role("link", name="Knowledge").count() == 0  # agents don't manage knowledge
    assert page.goto("/console/knowledge").status == 403
