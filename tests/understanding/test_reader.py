"""The reader (`understanding.requests.read_requests`): which requests a message makes, from the
message and the conversation's context alone (no store, no flows)."""

from __future__ import annotations

from shopkeeper.understanding import Candidate, Intent, OrderCandidate, UnderstandingContext, understand
from shopkeeper.understanding.models import Pending
from shopkeeper.understanding.requests import read_requests

_CAMERA = Candidate(
    item_id="1000000001", name="Action Camera", options={"resolution": "1080p"}, product_id="p1"
)
_VARIANTS = (
    Candidate(item_id="1000000001", name="Action Camera", options={"resolution": "1080p"}, product_id="p1"),
    Candidate(item_id="1000000002", name="Action Camera", options={"resolution": "4K"}, product_id="p1"),
)


def _context(status: str, **fields: object) -> UnderstandingContext:
    order = OrderCandidate(order_id="#W1111111", status=status, items=(_CAMERA,), variants=_VARIANTS)
    return UnderstandingContext(customer_id="c1", orders=(order,), product_names=("Action Camera",), **fields)  # type: ignore[arg-type]


def _read(text: str, context: UnderstandingContext) -> list[tuple[Intent, str, tuple[str, ...]]]:
    return [(r.intent, r.part, r.order_ids) for r in read_requests(understand(text, context), context)]


def test_an_option_value_the_item_lacks_is_an_item_change_of_the_order_named() -> None:
    text = "order #W1111111: the action camera in 4K please"
    assert [i for i, _, _ in _read(text, _context("pending"))] == [Intent.MODIFY_ITEMS]
    assert [i for i, _, _ in _read(text, _context("delivered"))] == [Intent.EXCHANGE_ITEMS]
    assert _read(text, _context("pending"))[0][2] == ("#W1111111",)


def test_an_answer_to_our_own_question_is_not_a_new_request() -> None:
    asked = Pending(asked="payment_method", kind="modify_items", order_id="#W1111111")
    context = _context("pending", pending=asked)
    assert not [i for i, _, _ in _read("use my paypal account please", context) if i == Intent.MODIFY_PAYMENT]


def test_before_verification_a_catalog_product_with_an_order_and_a_change_is_an_item_change() -> None:
    context = UnderstandingContext(product_names=("Action Camera",))
    text = "on #W1111111 please switch the Action Camera to 4K instead"
    assert [i for i, _, _ in _read(text, context)] == [Intent.MODIFY_ITEMS]


def test_the_slot_readings_are_the_whole_readings_without_the_intents() -> None:
    from shopkeeper.understanding import read_items, read_variant

    text = "the action camera in 4K"
    whole = understand(text, UnderstandingContext(items=(_CAMERA,), variants=_VARIANTS))
    assert read_items(text, (_CAMERA,), _VARIANTS) == whole.items
    alone = understand(text, UnderstandingContext(original_item=_CAMERA, variants=_VARIANTS)).variant
    assert read_variant(text, _CAMERA, _VARIANTS) == alone
    assert read_variant(text, _CAMERA, _VARIANTS) is not None
    assert read_items("  ", (_CAMERA,)) is None


def test_a_return_sentence_ends_where_a_clause_for_another_order_begins() -> None:
    kettle = Candidate(
        item_id="2000000001", name="Electric Kettle", options={"capacity": "1L"}, product_id="p2"
    )
    kettles = (kettle, kettle.model_copy(update={"item_id": "2000000002", "options": {"capacity": "2L"}}))
    context = UnderstandingContext(
        customer_id="c1",
        orders=(
            OrderCandidate(order_id="#W1111111", status="delivered", items=(_CAMERA,), variants=_VARIANTS),
            OrderCandidate(order_id="#W2222222", status="delivered", items=(kettle,), variants=kettles),
        ),
        product_names=("Action Camera", "Electric Kettle"),
    )
    text = (
        "Send back #W1111111 with a refund to my visa: Action Camera; for #W2222222, exchange the "
        "Electric Kettle (capacity 1L) for capacity 2L; any difference on the visa."
    )
    read = _read(text, context)
    assert [(i, o) for i, _, o in read] == [
        (Intent.RETURN_ITEMS, ("#W1111111",)),
        (Intent.EXCHANGE_ITEMS, ("#W2222222",)),
    ]


def test_a_request_taken_back_stays_dropped_when_details_follow_the_retraction() -> None:
    # the dropped request's part runs on over the name and zip given after "wait, no": those ask nothing
    for details in ("Name: Ana Lima. Zip code: 10001.", "my email is ana@example.com.", "ana lima 10001."):
        text = (
            f"Hi. My order has to go to another address. Wait, no, sorry. {details} Cancel #W1111111 please."
        )
        assert [i for i, _, _ in _read(text, _context("pending")) if i != Intent.GREETING] == [
            Intent.CANCEL_ORDER
        ], details


def test_who_pays_the_difference_after_a_change_of_mind_is_no_payment_change() -> None:
    # one long clause: what follows "actually no" is read alone, and its "diff on paypal" belongs to
    # the item change it ends
    camera = Candidate(
        item_id="2000000001",
        name="Digital Camera",
        product_id="p2",
        options={"zoom": "5x", "storage": "CF card"},
    )
    other = Candidate(
        item_id="2000000002",
        name="Digital Camera",
        product_id="p2",
        options={"zoom": "3x", "storage": "SD card"},
    )
    order = OrderCandidate(order_id="#W2222222", status="pending", items=(camera,), variants=(camera, other))
    context = UnderstandingContext(customer_id="c1", orders=(order,), product_names=("Digital Camera",))
    text = (
        "hey gotta fix the shipping address on an order actually no its ana@example.com order #w2222222: "
        "digital camera in zoom 3x and sd card, diff on paypal"
    )
    assert [i for i, _, _ in _read(text, context)] == [Intent.MODIFY_ITEMS]
