"""Answers that change nothing: store policy from the knowledge base (with citations), products
from the catalog, recommendations, small talk, and handoff to a human.

Policy answers come only from retrieved passages; when retrieval is weak the customer is told so
and offered a person. Product answers come from the catalog's records. Small talk is templated,
or phrased by the language model when one is configured and its reply passes the relevance check
(`flows/small_talk.py`).
"""

from __future__ import annotations

from shopkeeper.catalog import search_catalog
from shopkeeper.flows.small_talk import small_talk
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.knowledge.answer import Answer
from shopkeeper.recommend import recommend_for_customer, recommender_from_store
from shopkeeper.understanding.models import QuestionReading
from shopkeeper.understanding.questions import policy_topics, read_question, without_names

__all__ = [
    "GREETING",
    "answer_policy",
    "answer_product",
    "hand_off",
    "kb_answer",
    "recommend",
    "say_answer",
    "small_talk",
    "summary_for_human",
]

GREETING = "Hello, I'm the store assistant. How can I help you?"


def answer_policy(turn: Turn, kb: KnowledgeBase | None, not_found: str | None = None) -> None:
    """The knowledge base's answer to the message; `not_found` instead of its "I don't know"."""
    if kb is None:
        turn.say(
            "I don't have the store's policy documents available right now, so I can't answer that reliably. "
            "Would you like me to connect you with a colleague?"
        )
        return
    found = kb_answer(turn, kb, read_question(turn.text))
    if not found.grounded and not_found:
        turn.say(not_found)
        return
    say_answer(turn, found)


def kb_answer(turn: Turn, kb: KnowledgeBase, question: QuestionReading) -> Answer:
    """The knowledge base's answer. A policy question about one product ("what's the warranty on the
    action camera?", "how long do I have to return a yoga mat?") is looked up without the product's
    name first: the documents speak of kinds of products, and the name alone pulls in passages about
    that product (its care instructions) instead of the policy. As asked when that finds nothing, if
    the answer speaks of the policy asked about."""
    general = question.text
    if question.about_policy:
        general = without_names(general, (p.name for p in turn.catalog))
    found = kb.answer(general)
    if not found.grounded and general != question.text:
        asked = kb.answer(question.text)  # kept only when it speaks of the policy asked about
        if set(policy_topics(asked.text)) & set(question.policy_topics):
            found = asked
    return found


def say_answer(turn: Turn, answer: Answer) -> None:
    """A knowledge-base answer with its citations."""
    turn.say(answer.text)
    for c in answer.citations:
        turn.cite(c.document_title, c.section, c.url)
    if answer.citations:
        turn.say("(Source: " + "; ".join(c.label() for c in answer.citations[:2]) + ")")


def answer_product(turn: Turn) -> None:
    products = turn.store.list_products()
    matches = search_catalog(products, turn.text, limit=3)
    if not matches:
        turn.say("I couldn't find a product matching that in our catalog. Could you describe it differently?")
        return
    turn.say(" ".join(m.describe() for m in matches))


def recommend(turn: Turn) -> None:
    if turn.state.customer_id:
        picks = recommend_for_customer(turn.store, turn.state.customer_id, k=3)
    else:
        picks = recommender_from_store(turn.store).for_shopper([turn.text], k=3)
    if not picks:
        turn.say(
            "I don't have a good suggestion right now; tell me what you're looking for and I'll search the catalog."
        )
        return
    turn.say("You might like: " + "; ".join(p.describe() for p in picks) + ".")


def summary_for_human(turn: Turn, why: str) -> str:
    customer = turn.customer
    who = f"{customer.name} ({customer.email}, id {customer.id})" if customer else "unverified customer"
    parts = [f"Customer: {who}.", f"Reason for handoff: {why}."]
    if turn.state.requests:
        parts.append("Asked for: " + ", ".join(turn.state.requests) + ".")
    orders = {t.order_id for t in [turn.state.task, *turn.state.queue] if t and t.order_id}
    if turn.state.last_order_id:
        orders.add(turn.state.last_order_id)
    if orders:
        parts.append("Orders involved: " + ", ".join(sorted(orders)) + ".")
    parts.append("Done so far: " + (" | ".join(turn.state.done) if turn.state.done else "nothing") + ".")
    parts.append(f"Last message: {turn.text[:300]!r}.")
    return " ".join(parts)


def hand_off(turn: Turn, why: str) -> str:
    turn.state.handoff = True
    turn.state.task, turn.state.queue, turn.state.proposal = None, [], None
    turn.say(
        "I'm transferring you to a member of our support team now; they'll see a summary of our conversation, "
        "so you won't have to repeat yourself."
    )
    return summary_for_human(turn, why)
