"""The records the understanding layer reads and returns: context in, `Understanding` out.

Plain pydantic models with no behaviour beyond small conveniences. `Candidate` is deliberately generic
(an order line or a product variant, whatever the conversation has in hand) so this layer never
depends on the store.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.understanding.intents import Intent, RequestKind

__all__ = [
    "AddressMention",
    "Candidate",
    "Cues",
    "Entities",
    "FactKind",
    "IntentScore",
    "ItemResolution",
    "OrderCandidate",
    "OrderResolution",
    "PaymentMention",
    "Pending",
    "PersonName",
    "Quantity",
    "QuestionReading",
    "ReplyReading",
    "RequestKind",
    "RequestReading",
    "Understanding",
    "UnderstandingContext",
    "VariantResolution",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Candidate(_Model):
    """Something the customer may point at: an order line or a product variant."""

    item_id: str
    name: str = ""
    options: dict[str, str] = Field(default_factory=dict)
    product_id: str | None = None
    order_id: str | None = None
    available: bool | None = None
    price_cents: int | None = None


class OrderCandidate(_Model):
    """An order of the customer, oldest first in the list the caller passes: its items (order lines)
    and every variant of their products (`variants`, each with its `product_id`)."""

    order_id: str
    status: str | None = None
    placed_at: str | None = None
    items: tuple[Candidate, ...] = ()
    variants: tuple[Candidate, ...] = ()


class Pending(_Model):
    """The request being served when the message arrives and what we asked about it: `asked` names
    the slot of our pending question ("payment_method", "address", "items", "confirm" ...), `kind`
    and `order_id` the active request, `proposal` whether a proposal awaits a yes."""

    asked: str | None = None
    kind: RequestKind | None = None
    order_id: str | None = None
    proposal: bool = False


class UnderstandingContext(_Model):
    """What the conversation knows when the message arrives. Everything is optional; `orders` are
    the verified customer's (`customer_id`), none before verification."""

    customer_id: str | None = None
    items: tuple[Candidate, ...] = ()
    orders: tuple[OrderCandidate, ...] = ()
    product_names: tuple[str, ...] = ()
    original_item: Candidate | None = None
    variants: tuple[Candidate, ...] = ()
    pending_question: str = Field(default="", description="what the assistant last asked, if anything")
    proposal: str = Field(default="", description="the summary of the proposal awaiting a yes, if any")
    pending: Pending = Pending()

    def order(self, order_id: str | None) -> OrderCandidate | None:
        """The verified customer's order with this id (None for anyone else's)."""
        return next((o for o in self.orders if o.order_id == order_id), None)


class IntentScore(_Model):
    intent: Intent
    confidence: float
    span: str
    source: Literal["model", "fallback", "rule", "llm"] = "model"


class PersonName(_Model):
    first_name: str
    last_name: str | None = None


class AddressMention(_Model):
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip: str | None = None


class PaymentMention(_Model):
    source: Literal["credit_card", "paypal", "gift_card"] | None = None
    brand: str | None = None
    last_four: str | None = None
    text: str


class Quantity(_Model):
    kind: Literal["all", "both", "all_except", "count"]
    count: int | None = None


class Entities(_Model):
    order_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    name: PersonName | None = None
    zip_codes: tuple[str, ...] = ()
    labelled_zip_codes: tuple[str, ...] = ()  # said as a zip code ("zip 94152"), not only in an address
    address: AddressMention | None = None
    payment_methods: tuple[PaymentMention, ...] = ()
    products: tuple[str, ...] = ()
    option_values: tuple[str, ...] = ()
    reason: Literal["no longer needed", "ordered by mistake"] | None = None
    confirmation: Literal["yes", "no"] | None = None
    quantity: Quantity | None = None


class ReplyReading(_Model):
    """How a message reads as a reply to a pending proposal (`understanding.confirmation`): only a
    clear `yes` may lead to a write. `reason` names what decided it ("negation", "hedge", "question",
    "condition", "correction", "second thoughts", "unknown words" ...); `negated` is True when the
    message holds a negation anywhere. What rides along (`understanding.proposal_reply`): `aside`, a
    separate question after a yes; `adds`, a correction saying something is missing; `withdrawn`, the
    request dropped ("never mind"); `closing`, the conversation closed ("that's all")."""

    answer: Literal["yes", "no", "change", "unclear"]
    reason: str = ""
    negated: bool = False
    aside: str = ""
    adds: bool = False
    withdrawn: bool = False
    closing: bool = False


class ItemResolution(_Model):
    """Which candidates the message points at. `ambiguous` when it could mean several and did not say."""

    item_ids: tuple[str, ...] = ()
    excluded_ids: tuple[str, ...] = ()
    ambiguous: bool = False
    reason: str = ""
    unmatched: tuple[str, ...] = Field(
        default=(), description='things listed beside named items that are none of them ("the toaster")'
    )


class OrderResolution(_Model):
    order_id: str | None = None
    ambiguous: bool = False
    reason: str = ""


class VariantResolution(_Model):
    """The variant a customer asks for instead of `original`: mentioned options changed, others kept."""

    item_id: str | None = None
    options: dict[str, str] = Field(default_factory=dict)
    requested: dict[str, str] = Field(default_factory=dict)
    exact: bool = False
    available: bool = False
    other_changes: tuple[str, ...] = Field(default=(), description="options not asked about that differ")
    unread: dict[str, str] = Field(
        default_factory=dict, description="options named with words that are none of their values"
    )
    guessed: dict[str, str] = Field(
        default_factory=dict, description="words said bare, read as the one value they misspell"
    )
    reason: str = ""


class RequestReading(_Model):
    """One request a message makes (`understanding.requests`): the intent, the part of the message
    that asks it (the whole message when no part of it does), and the orders that part names."""

    intent: Intent
    part: str
    order_ids: tuple[str, ...] = ()


class Cues(_Model):
    """The small words that steer a request without naming anything (`understanding.cues`): each
    True when the message says it."""

    method_ids: tuple[str, ...] = Field(
        default=(), description='payment methods as stored: "credit_card_4421"'
    )
    original_method: bool = Field(default=False, description='"the card I used originally", "og card"')
    same_item: bool = Field(default=False, description='"the same one", "identical", "like for like"')
    missing: bool = Field(default=False, description='"the bag is missing", "you forgot the bag"')
    adds_items: bool = Field(default=False, description='missing, or "the bag too", "also", "plus"')
    only: bool = Field(default=False, description='"only", "just"')
    other: bool = Field(default=False, description='"the other helmet", "another", "both", "second"')
    points_back: bool = Field(default=False, description='"cancel it", "that one", "this order"')
    all_orders: bool = Field(default=False, description='"all my pending orders", "both orders"')
    several_orders: bool = Field(default=False, description='"status of my orders", "each one", history')
    history: bool = Field(default=False, description='"what have I bought lately?", "order history"')
    statuses: tuple[str, ...] = Field(default=(), description='order statuses named: "my pending orders"')
    corrected_order: str | None = Field(
        default=None, description='the order settled on after taking one back: "#W1 oops no #W2"'
    )


FactKind = Literal["balance", "tracking", "refund", "payment", "options", "cancellable", "status", "history"]


class QuestionReading(_Model):
    """One clause that asks something (`understanding.questions.read_question`), with what it asks.

    How it opens: `request_like` ("can you ...", "please ...", "I'd like ..."), `how_to` ("how do I
    cancel ...", "where to ..."), `wh` (a question word: "what's ...", "when ..."); `hypothetical` ("if
    I return it, ..."); `empty` when it asks nothing in particular ("can you help me?"). What it points
    back at with "it", "that", "they": the conversation's subject (`points_back`), its order
    (`order_points_back`, also "the tracking number"), its product (`product_points_back`, also "these",
    "ones"). About the customer's own things: `fact`, the fact of an order it asks for; `own` ("my",
    "I", an order number); `order_ids` it names; `about_orders` ("order", "package", "bought" ...);
    `several_orders` ("my orders", "each one", "what have I bought"), `several_own` when those are
    theirs ("... for all of them"); `own_gift_card` ("gift card" or "my"). About the catalog: `catalog`
    (options, stock, price words), `what_sold` ("what do you sell?"), `cheapest`, and `catalog_query`,
    the words to search the catalog with. About store policy: `policy_topics`, the first five letters
    of each policy word ("retur", "warra"). `words`: its words, lower case, for matching names."""

    text: str
    words: tuple[str, ...] = ()
    request_like: bool = False
    how_to: bool = False
    wh: bool = False
    hypothetical: bool = False
    empty: bool = False
    points_back: bool = False
    order_points_back: bool = False
    product_points_back: bool = False
    fact: FactKind | None = None
    own: bool = False
    order_ids: tuple[str, ...] = ()
    about_orders: bool = False
    several_orders: bool = False
    several_own: bool = False
    own_gift_card: bool = False
    catalog: bool = False
    what_sold: bool = False
    cheapest: bool = False
    catalog_query: str = ""
    policy_topics: tuple[str, ...] = ()

    @property
    def about_policy(self) -> bool:
        """Whether it asks about a store policy (returns, refunds, warranty, shipping ...)."""
        return bool(self.policy_topics)


class Understanding(_Model):
    """What one message says, as proposals: the agent decides and acts on them."""

    text: str
    intents: tuple[IntentScore, ...]
    entities: Entities
    items: ItemResolution | None = None
    order: OrderResolution | None = None
    variant: VariantResolution | None = None
    reply: ReplyReading = ReplyReading(answer="unclear", reason="no answer")
    questions: tuple[QuestionReading, ...] = Field(
        default=(), description="the clauses that ask something, in order, each with what it asks"
    )
    requests: tuple[RequestReading, ...] = Field(
        default=(), description="the requests made, in the order written (`read_requests`)"
    )
    cues: Cues = Cues()

    @property
    def intent(self) -> Intent:
        return self.intents[0].intent

    @property
    def confidence(self) -> float:
        return self.intents[0].confidence
