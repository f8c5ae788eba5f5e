"""A capable model reads messages for the agent (JSON schema, closed world), under the rules' gates.

The model is a scripted OpenAI-compatible server on 127.0.0.1 (`tests/llm/scripted_openai.py`): each
request gets a reply computed from its body, so the tests see what the agent sent (the schema's enums
are the customer's own orders) and choose what the "model" answers, including wrong or unsafe answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shopkeeper.agent import Agent
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.llm.openai_backend import OpenAIBackend
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from shopkeeper.understanding import Candidate, Intent, OrderCandidate, UnderstandingContext, understand
from shopkeeper.understanding.model_reading import merge
from tests.agent.conftest import Chat, events_of
from tests.llm.scripted_openai import Script, server

__all__ = ["server"]  # the fixture, re-exported for pytest

Reading = Callable[[str, dict[str, Any]], dict[str, Any]]


def _reading(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"intents": [], "order_id": "", "item_ids": [], "answer": "none", "reason": ""}
    base.update(fields)
    return base


class Model:
    """What the scripted model answers: `read(message, schema)` for readings; small talk is plain."""

    def __init__(self) -> None:
        self.read: Reading = lambda message, schema: _reading()
        self.schemas: list[dict[str, Any]] = []

    def __call__(self, body: dict[str, Any]) -> str:
        response_format = body.get("response_format")
        if not response_format:
            return "Hello! How can I help?"
        schema = response_format["json_schema"]["schema"]
        if "choice" in schema["properties"]:  # the intent fallback: pick the first choice
            return json.dumps({"choice": schema["properties"]["choice"]["enum"][0]})
        self.schemas.append(schema)
        return json.dumps(self.read(body["messages"][-1]["content"], schema))


@pytest.fixture
def model(server: tuple[str, Script]) -> Iterator[tuple[Model, OpenAIBackend, Script]]:
    url, script = server
    answer = Model()
    script.behaviours = [("reply", answer)] * 200
    backend = OpenAIBackend("m1", url, timeout_s=5.0, retries=1, backoff_s=0.01)
    try:
        yield answer, backend, script
    finally:
        backend.close()


def _orders(store: Database, customer_id: str) -> list[Any]:
    with store.session() as s:
        return repository.list_orders(s, customer_id)


def _pending_customer(store: Database, taken: Callable[..., Any]) -> tuple[Any, Any, Any]:
    """A customer with two pending orders, so that which one is meant is the model's reading."""

    def two_pending(customer: Any, order: Any) -> bool:
        return sum(o.status == "pending" for o in _orders(store, customer.id)) >= 2

    customer, order = taken("pending", two_pending)
    return customer, order, _orders(store, customer.id)


def test_the_model_reads_a_reference_the_rules_cannot_and_sees_only_own_orders(
    store: Database, model: tuple[Model, OpenAIBackend, Script], customer_with
) -> None:  # type: ignore[no-untyped-def]
    answer, backend, _ = model
    customer, order, orders = _pending_customer(store, customer_with)
    c = Chat(Agent(store, llm=backend, kb=KnowledgeBase(store)))
    c.say(f"hi, {customer.email}")
    answer.read = lambda message, schema: (
        _reading(intents=["cancel_order"], order_id=order.id)
        if "colleague" in message
        else _reading(intents=["provide_info"])
    )
    c.say("please cancel the order I told your colleague about on the phone")
    # closed world: the schema offered exactly this customer's orders, nobody else's
    assert answer.schemas[-1]["properties"]["order_id"]["enum"] == ["", *(o.id for o in orders)]
    answer.read = lambda message, schema: _reading(intents=["provide_info"], reason="no longer needed")
    proposal = c.say("I just don't need it anymore")
    offered = events_of(proposal, "proposal")
    assert offered and offered[0].arguments["order_id"] == order.id, c.transcript  # type: ignore[attr-defined]
    assert repository_status(store, order.id) == "pending"


def repository_status(store: Database, order_id: str) -> str:
    with store.session() as s:
        return repository.get_order(s, order_id).status


def _to_proposal(store: Database, c: Chat, customer: Any, order: Any) -> None:
    c.say(f"hi, {customer.email}")
    c.say(f"I want to cancel order {order.id}, I ordered it by mistake")
    assert events_of(c.replies[-1], "proposal"), c.transcript


def test_a_model_yes_never_confirms_what_the_rules_do_not(
    store: Database, model: tuple[Model, OpenAIBackend, Script], customer_with
) -> None:  # type: ignore[no-untyped-def]
    answer, backend, _ = model
    customer, order = customer_with("pending")
    c = Chat(Agent(store, llm=backend, kb=KnowledgeBase(store)))
    _to_proposal(store, c, customer, order)
    answer.read = lambda message, schema: _reading(intents=["affirm"], answer="yes")  # an unsafe model
    c.say("hmm, maybe later")
    assert not any(events_of(r, "action") for r in c.replies), c.transcript
    assert repository_status(store, order.id) == "pending"


def test_a_model_doubt_turns_a_rules_yes_into_no_write(
    store: Database, model: tuple[Model, OpenAIBackend, Script], customer_with
) -> None:  # type: ignore[no-untyped-def]
    answer, backend, _ = model
    customer, order = customer_with("pending")
    c = Chat(Agent(store, llm=backend, kb=KnowledgeBase(store)))
    _to_proposal(store, c, customer, order)
    answer.read = lambda message, schema: _reading(intents=["affirm"], answer="unclear")
    c.say("ok")
    assert not any(events_of(r, "action") for r in c.replies), c.transcript
    assert repository_status(store, order.id) == "pending"
    answer.read = lambda message, schema: _reading(intents=["affirm"], answer="yes")
    done = c.say("yes, go ahead")
    assert events_of(done, "action"), c.transcript
    assert repository_status(store, order.id) == "cancelled"


def test_out_of_world_answers_and_a_dead_model_leave_the_rules_in_charge(
    store: Database, model: tuple[Model, OpenAIBackend, Script], customer_with
) -> None:  # type: ignore[no-untyped-def]
    answer, backend, script = model
    customer, order = customer_with("pending")
    c = Chat(Agent(store, llm=backend, kb=KnowledgeBase(store)))
    c.say(f"hi, {customer.email}")
    answer.read = lambda message, schema: {"intents": ["launch_rockets"], "order_id": "#W0000000"}
    reply = c.say(f"I want to cancel order {order.id}")
    assert "#W0000000" not in reply.text, c.transcript
    script.behaviours = [("status", 500)] * 20  # the model server fails: the rules read alone
    reply = c.say("I ordered it by mistake")
    offered = events_of(reply, "proposal")
    assert offered and offered[0].arguments["order_id"] == order.id, c.transcript  # type: ignore[attr-defined]


def test_merge_rechecks_every_value_against_the_context() -> None:
    context = UnderstandingContext(
        orders=(
            OrderCandidate(
                order_id="#W1111111", status="pending", items=(Candidate(item_id="1", name="Lamp"),)
            ),
        ),
        items=(Candidate(item_id="1", name="Lamp"),),
    )
    rules = understand("please cancel it", context)
    merged = merge(
        rules,
        {
            "intents": ["launch_rockets", "cancel_order"],
            "order_id": "#W0000000",
            "item_ids": ["9", "1"],
            "answer": "yes",
        },
        context,
    )
    assert merged.intent == Intent.CANCEL_ORDER and merged.intents[0].source == "llm"
    assert merged.order == rules.order  # an order outside the customer's: ignored
    assert merged.items is not None and merged.items.item_ids == rules.items.item_ids  # type: ignore[union-attr]
    assert merged.entities.confirmation is None  # the rules read no yes: the model cannot add one
    typed = understand("cancel #W1111111", context)
    assert merge(typed, {"order_id": "#W2222222"}, context).order == typed.order
