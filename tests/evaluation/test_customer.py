"""The simulated customer, unit by unit, on real tau-bench tasks: what it says for each slot, how it
opens in each style, how it judges proposals, and when it moves on or ends."""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper.evaluation.customer import SimulatedCustomer, Style
from shopkeeper.evaluation.goals import Goal, goal_from_tau
from shopkeeper.evaluation.profile import load_view
from shopkeeper.evaluation.taubench import TauTask
from shopkeeper.events import (
    ActionEvent,
    DoneEvent,
    Event,
    ProposalEvent,
    QuestionEvent,
    RefusalEvent,
    TextEvent,
)
from shopkeeper.store.db import Database


def customer(
    db: Database, task: TauTask, style: Style = "asked", goals: Sequence[Goal] | None = None
) -> SimulatedCustomer:
    goals = list(goals if goals is not None else task.goals)
    view = load_view(db, task.user_id, tuple(g.order_id for g in goals if g.order_id))
    return SimulatedCustomer(view, goals, style=style, seed=task.name, use_email=task.use_email)


def turn(*events: Event) -> list[Event]:
    return [TextEvent(text="..."), *events, DoneEvent(reply="...", seconds=0.0)]


def ask(slot: str, options: list[str] | None = None) -> list[Event]:
    return turn(QuestionEvent(slot=slot, options=options or []))


def propose(goal: Goal, **changes: object) -> list[Event]:
    args = {**goal.arguments, **changes}
    return turn(
        ProposalEvent(action=goal.action, arguments=args, summary="..."), QuestionEvent(slot="confirm")
    )


def test_tau_writes_map_to_our_actions(tau_tasks: dict[str, TauTask]) -> None:
    goal = goal_from_tau(
        "modify_pending_order_address",
        {
            "order_id": "#W1",
            "address1": "1 A St",
            "address2": "",
            "city": "X",
            "state": "NY",
            "country": "USA",
            "zip": "1",
        },
    )
    assert goal.action == "modify_order_address"
    assert goal.arguments["address"] == {
        "address1": "1 A St",
        "address2": "",
        "city": "X",
        "state": "NY",
        "country": "USA",
        "zip": "1",
    }
    assert (
        goal_from_tau("modify_user_address", {"user_id": "u", "address1": "a"}).arguments["customer_id"]
        == "u"
    )
    actions = {g.action for t in tau_tasks.values() for g in t.goals}
    assert actions == {
        "cancel_order",
        "modify_order_address",
        "modify_order_payment",
        "modify_order_items",
        "return_order_items",
        "exchange_order_items",
        "order_status",
    }
    assert len(tau_tasks) == 520
    assert sum(not g.expect_ok for t in tau_tasks.values() for g in t.goals) == 20


def test_asked_style_reveals_nothing_until_asked(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[0]"]  # Omar Anderson, zip 19031: return two items of #W6067464 to a Visa
    c = customer(tau_db, task)
    first = c.opening()
    assert "return" in first.lower()
    for secret in ("#W6067464", "19031", "Anderson", "Kettle", "credit_card"):
        assert secret not in first
    assert {"Omar", "Anderson", "19031"} <= set(
        c.answer(ask("identity")).replace(",", " ").replace(".", " ").split()
    )
    assert "#W6067464" in c.answer(ask("order_id"))
    items = c.answer(ask("items"))
    assert "Electric Kettle" in items and "Wall Clock" in items and "Office Chair" not in items
    pay = c.answer(ask("payment_method"))
    method = c.view.method("credit_card_4190576")
    assert method is not None and (method.last_four in pay or "credit_card_4190576" in pay)


def test_upfront_style_says_everything_at_once(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[12]"]  # two cancels, an address change and an item change
    first = customer(tau_db, task, "upfront").opening()
    for needed in ("Harper", "Johansson", "80281", "#W3525030", "#W3282177", "#W2912646", "953 Park Avenue"):
        assert needed in first
    assert "Sunglasses" in first and "Luggage Set" in first


def test_identity_by_email_when_the_instruction_has_one(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    task = tau_tasks["train[7]"]
    assert task.use_email
    assert "lucas.martin5733@example.com" in customer(tau_db, task).answer(ask("identity"))


def test_new_variant_named_by_the_options_that_differ(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    task = tau_tasks["train[17]"]  # Luggage Set -> softshell; Dumbbell Set -> 30-50 lbs, iron, fixed
    said = customer(tau_db, task).answer(ask("new_items"))
    for word in ("Luggage Set", "softshell", "Dumbbell Set", "30-50 lbs", "iron", "fixed"):
        assert word in said
    for unchanged in ("hardshell", "2-piece", "urethane", "adjustable"):
        assert unchanged not in said


def test_items_of_one_product_are_told_apart(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[7]"]  # the order has two Air Purifiers; the medium HEPA one changes
    c = customer(tau_db, task, goals=task.goals[1:])
    said = c.answer(ask("items"))
    assert "medium, HEPA" in said and "Air Purifier" in said and "Bicycle" in said
    assert "the same one again" in c.answer(ask("new_items"))  # a same-item "modification", as in the data


def test_address_and_reason(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[12]"]
    c = customer(tau_db, task, goals=[task.goals[2]])
    assert c.answer(ask("address")) == "953 Park Avenue, Suite 613, New York, NY 10064, USA"
    c = customer(tau_db, task, goals=[task.goals[1]])
    assert "mistake" in c.answer(ask("reason")).lower()


def test_payment_methods_as_customers_say_them(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["dev[8]"]  # refund to a gift card
    said = {customer(tau_db, task).answer(ask("payment_method")) for _ in range(1)}
    assert any("gift card" in s.lower() or "gift_card_7794233" in s for s in said)
    task = tau_tasks["train[1]"]  # refund to PayPal
    said = customer(tau_db, task).answer(ask("payment_method"))
    assert "paypal" in said.lower()


def test_proposal_yes_only_for_exactly_the_goal(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[17]"]
    goal = task.goals[0]
    c = customer(tau_db, task)
    c.opening()
    reversed_pairs = {
        "item_ids": list(reversed(goal.arguments["item_ids"])),
        "new_item_ids": list(reversed(goal.arguments["new_item_ids"])),
    }
    assert c.answer(propose(goal, **reversed_pairs)).lower().startswith("yes")  # multisets, not sequences
    c = customer(tau_db, task)
    no = c.answer(
        propose(
            goal, item_ids=goal.arguments["item_ids"][:1], new_item_ids=goal.arguments["new_item_ids"][:1]
        )
    )
    assert no.lower().startswith("no") and "#W6026015" in no and "Dumbbell Set" in no  # the correction
    c = customer(tau_db, task)
    assert c.answer(propose(goal, payment_method_id="paypal_1")).lower().startswith("no")
    c = customer(tau_db, task)
    wrong_action = turn(ProposalEvent(action="return_order_items", arguments=goal.arguments, summary="..."))
    assert c.answer(wrong_action).lower().startswith("no")


def test_moves_to_the_next_goal_after_an_action_and_then_ends(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    task = tau_tasks["train[3]"]  # an exchange, then a cancel
    c = customer(tau_db, task)
    c.opening()
    first, second = task.goals
    assert c.answer(propose(first)).lower().startswith("yes")
    done = ActionEvent(action=first.action, ok=True, arguments=first.arguments, message="done")
    nxt = c.answer(turn(done, QuestionEvent(slot="anything_else")))
    assert "cancel" in nxt.lower() and "#W5765741" not in nxt  # asked style: the request only
    assert "#W5765741" in c.answer(ask("order_id"))
    assert c.answer(propose(second)).lower().startswith("yes")
    refused = ActionEvent(action=second.action, ok=False, arguments=second.arguments, message="no", code="x")
    bye = c.answer(turn(refused, QuestionEvent(slot="anything_else")))
    assert c.done and any(w in bye.lower() for w in ("all", "nothing", "everything"))
    assert c.answer(turn()) is None
    assert [o.status for o in c.outcomes] == ["done", "refused"]


def test_a_refusal_without_a_question_moves_on(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[3]"]
    c = customer(tau_db, task, "upfront")
    c.opening()
    again = c.answer(turn())  # the agent answered without asking or proposing: say it all again, once
    assert "#W7736983" in again and c.outcomes[0].status == "open"
    nxt = c.answer(turn())  # and again nothing: take it as a refusal and go on
    assert "#W5765741" in nxt and c.outcomes[0].status == "skipped"


def test_a_refusal_event_for_the_goal_moves_on_to_the_next_proposal(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    """The agent refuses the first request and proposes the second in the same reply: the customer
    takes the refusal as the first goal's outcome and judges the proposal against the second. A
    refusal about another order is not about the current goal."""
    task = tau_tasks["train[3]"]  # an exchange, then a cancel
    first, second = task.goals
    c = customer(tau_db, task, "upfront")
    c.opening()
    other = RefusalEvent(action=first.action, order_id="#W0000000", code="x", reason="...")
    assert c.answer(turn(other, *propose(second)[1:-1])).lower().startswith("no")
    refused = RefusalEvent(action=first.action, order_id=first.order_id, code="x", reason="...")
    assert c.answer(turn(refused, *propose(second)[1:-1])).lower().startswith("yes")
    assert c.outcomes[0].status == "refused"


def test_status_question_when_the_task_has_no_writes(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["dev[17]"]
    assert task.goals[0].action == "order_status" and task.goals[0].order_id == "#W3547545"
    c = customer(tau_db, task)
    assert "order" in c.opening().lower()
    c.answer(ask("identity"))
    assert "#W3547545" in c.answer(ask("order_id"))
    c.answer(turn())  # the status came back
    assert c.done


def test_choice_picks_the_matching_option(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    c = customer(tau_db, tau_tasks["train[0]"])
    assert c.answer(ask("choice", ["#W1111111", "#W6067464"])) == "#W6067464"


def test_gives_up_when_asked_the_same_thing_again_and_again(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    c = customer(tau_db, tau_tasks["train[0]"])
    c.opening()
    answers = [c.answer(ask("payment_method")) for _ in range(4)]
    assert "never mind" in answers[-1].lower() and c.done


def test_same_task_same_words(tau_db: Database, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[12]"]
    script = [ask("identity"), ask("order_id"), ask("reason")]
    one, two = customer(tau_db, task), customer(tau_db, task)
    assert [one.opening(), *(one.answer(e) for e in script)] == [
        two.opening(),
        *(two.answer(e) for e in script),
    ]


def test_answers_for_the_product_the_agent_asks_about(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    task = tau_tasks["train[17]"]  # Luggage Set and Dumbbell Set
    c = customer(tau_db, task)
    said = c.answer(
        turn(
            TextEvent(text="What would you like instead of the Dumbbell Set?"),
            QuestionEvent(slot="new_items"),
        )
    )
    assert "Dumbbell Set" in said and "Luggage Set" not in said and "iron" in said


def test_bare_numbers_and_yes_no_keep_their_option_name(
    tau_db: Database, tau_tasks: dict[str, TauTask]
) -> None:
    from shopkeeper.evaluation.phrasing import _speaks_for_itself

    assert _speaks_for_itself("softshell") and _speaks_for_itself("space grey")
    assert not any(_speaks_for_itself(v) for v in ("7", "80%", "yes", "no", "none", "4K", "1L"))
