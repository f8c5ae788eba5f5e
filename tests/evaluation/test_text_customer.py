"""The text-only simulated customer: the instruction -> first-person converter on real tau-bench
instructions, the reader of the agent's real replies (a short conversation with the real agent,
no language model), the proposal judge, the Bitext split and openings, perturbations deterministic
per seed, wrong writes counted from the audit log, and end-to-end text-only conversations."""

from __future__ import annotations

import random

import pytest

from shopkeeper.evaluation import bitext, judge, replies
from shopkeeper.evaluation.agents import ShopkeeperAgent
from shopkeeper.evaluation.goals import Goal
from shopkeeper.evaluation.instruction import first_person
from shopkeeper.evaluation.profile import load_view
from shopkeeper.evaluation.speech import typo
from shopkeeper.evaluation.taubench import TauBench, TauTask, load_tasks, run_task
from shopkeeper.evaluation.text_customer import TEXT_STYLES, TextCustomer
from shopkeeper.store.db import Database
from tests.conftest import BITEXT, TAU_DIR, require_shared
from tests.evaluation.test_runner import Reckless


def test_instructions_in_the_first_person(tau_tasks: dict[str, TauTask]) -> None:
    said = {
        name: first_person(tau_tasks[name].instruction)
        for name in ("train[0]", "train[3]", "dev[0]", "dev[5]", "dev[14]")
    }
    assert said["train[0]"].startswith("Hi, my name is Omar Anderson, zip 19031. Return #W6067464")
    assert "You are" not in said["train[0]"] and "logical" not in said["train[0]"]
    # option dicts said in words, the old item's options in parentheses
    assert (
        "Coffee Maker (color black, capacity 4 cups, type espresso, features timer) to color stainless steel"
        in said["train[3]"]
    )
    assert "{" not in said["train[3]"]
    # "you / your / you've" -> "I / my / I've"; nothing addressed to the simulator is left
    assert "I've ordered an item (#W5442520)" in said["dev[0]"] and " you" not in said["dev[0]"].lower()
    assert "If the agent asks" not in said["dev[5]"] and "want to return the skateboard" in said["dev[5]"]
    assert "320 Cedar Avenue, Suite 116, San Antonio, TX 78219, USA" in said["dev[14]"]
    for task in tau_tasks.values():  # every instruction converts, and never to the second person
        text = first_person(task.instruction)
        assert text and not any(w in text.split() for w in ("you", "your", "You", "Your"))


def test_the_reader_on_the_agents_real_replies(tau_db: Database) -> None:
    from shopkeeper.agent import Agent

    agent = Agent(tau_db, llm=None)
    cid = agent.start("eval")
    said = [
        ("Hello, I'd like to send some things back for a refund.", "identity"),
        ("I'm Sophia Nguyen, zip 20171.", "order"),
        ("It's order #W6619432.", "items"),
        ("The yoga mat and the dumbbell set.", "confirm"),
    ]
    for message, asked in said:
        reading = replies.read(agent.reply(cid, message).text)
        assert reading.asked == asked, (message, reading)
    view = load_view(tau_db, "sophia_nguyen_2370")
    wanted = Goal(
        "return_order_items",
        {
            "order_id": "#W6619432",
            "item_ids": ["3735133539", "6195938807"],
            "payment_method_id": "paypal_3738584",
        },
    )
    assert judge.problems(view, wanted, reading.proposal) == []
    one_item = Goal("return_order_items", {**wanted.arguments, "item_ids": ["6195938807"]})
    assert judge.problems(view, one_item, reading.proposal)  # the proposal returns one item too many
    other_order = Goal("cancel_order", {"order_id": "#W6070601", "reason": "no longer needed"})
    assert judge.problems(view, other_order, reading.proposal)
    done = replies.read(agent.reply(cid, "Yes please.").text)
    assert done.done and done.asked == "anything_else"


def test_the_reader_without_a_question() -> None:
    assert replies.read("Order #W1234567 is delivered, so it can't be cancelled.").refused
    assert replies.read("Done: the order is cancelled.").done
    assert replies.read("I'm connecting you with a colleague, who will get back to you shortly.").handoff
    odd = replies.read("Hmm, what's the weather like where you are?")
    assert odd.asked == "other"


def test_bitext_split_and_openings() -> None:
    require_shared(BITEXT)
    rows = bitext.load(BITEXT)
    report = [r for r in rows if bitext.part(r["text"]) == "report"]
    assert 0.45 < len(report) / len(rows) < 0.55
    assert bitext.part(rows[0]["text"]) == bitext.part(rows[0]["text"])
    goal = Goal("cancel_order", {"order_id": "#W5765741", "reason": "no longer needed"})
    texts = {bitext.opening(rows, goal, random.Random(seed)) for seed in range(30)}
    assert any(t and "W5765741" in t for t in texts)
    assert all(t and bitext.part(t) in ("tune", "report") for t in texts)
    assert bitext.opening(rows, Goal("modify_order_payment", {"order_id": "#W1"}), random.Random(0)) is None


def test_perturbations_are_deterministic_per_seed(tau_bench: TauBench, tau_tasks: dict[str, TauTask]) -> None:
    assert typo("Electric", random.Random(1)) == typo("Electric", random.Random(1)) != "Electric"
    task = tau_tasks["train[3]"]
    script = [
        "First I need to verify your identity: please tell me your email, or your name and zip code.",
        "Which order is it about?",
        "Which items would you like to exchange?",
        "What would you like instead of the Coffee Maker?",
        "Which payment method should I use?",
    ]

    def talk(seed: str, style: str) -> list[str | None]:
        with tau_bench.store.copy("perturb") as db:
            view = load_view(db, task.user_id)
        customer = TextCustomer(
            view,
            task.goals,
            style=style,
            seed=seed,
            instruction=task.instruction,
            bitext_rows=tau_bench.bitext,
        )  # type: ignore[arg-type]
        return [customer.opening(), *(customer.hear(line) for line in script)]

    for style in TEXT_STYLES:
        assert talk("a", style) == talk("a", style)
    assert any(talk(str(seed), "casual") != talk("a", "casual") for seed in range(5))
    casual = talk("a", "casual")
    assert all(line == line.lower() for line in casual if line)


def test_a_write_nobody_asked_for_is_counted(tau_bench: TauBench, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[1]"]  # wants a return; the double cancels another customer's order
    result = run_task(
        tau_bench,
        task,
        "regular",
        lambda db: Reckless(db, lambda a: a.cancel_order("#W5765741", "no longer needed")),
    )
    assert not result.success and result.wrong_write and "cancel_order" in result.unrequested[0]


def test_splits_are_fixed() -> None:
    require_shared(TAU_DIR)
    tune, setaside, dev = (load_tasks(TAU_DIR, s) for s in ("tune", "setaside", "dev"))  # type: ignore[arg-type]
    assert (len(tune), len(setaside), len(dev)) == (400, 100, 20)
    assert all(t.index % 5 == 0 for t in setaside) and all(t.index % 5 for t in tune)


@pytest.mark.parametrize("style", ["regular", "casual"])
def test_text_only_conversations_succeed(
    tau_bench: TauBench, tau_tasks: dict[str, TauTask], style: str
) -> None:
    result = run_task(tau_bench, tau_tasks["train[3]"], style, ShopkeeperAgent(model=False))  # type: ignore[arg-type]
    assert result.success, result.conversation.transcript(events=False)
    assert not result.unrequested
