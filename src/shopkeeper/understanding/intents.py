"""The intent taxonomy: what a customer can ask a retail support agent, and how Bitext's labels map onto it.

Each `Intent` is one thing the agent can act on or answer. `describe()` gives a one-line gloss (used to
offer an LLM a constrained choice list); `BITEXT_TO_INTENT` maps each of the 27 labels of the Bitext
customer-support dataset onto a distinct intent of ours, so the benchmark can score the classifier.
This module knows nothing about how intents are recognised.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = [
    "BITEXT_TO_INTENT",
    "HANDOFF_INTENTS",
    "POLICY_INTENTS",
    "REQUEST_KINDS",
    "TASK_INTENTS",
    "Intent",
    "RequestKind",
    "describe",
]


class Intent(StrEnum):
    # Orders the customer already placed.
    ORDER_STATUS = "order_status"
    CANCEL_ORDER = "cancel_order"
    MODIFY_ITEMS = "modify_items"
    MODIFY_ORDER_ADDRESS = "modify_order_address"
    MODIFY_PAYMENT = "modify_payment"
    RETURN_ITEMS = "return_items"
    EXCHANGE_ITEMS = "exchange_items"
    REQUEST_REFUND = "request_refund"
    REFUND_STATUS = "refund_status"
    PAYMENT_PROBLEM = "payment_problem"
    # Buying.
    PLACE_ORDER = "place_order"
    PRODUCT_QUESTION = "product_question"
    RECOMMENDATION = "recommendation"
    # Store policy and information.
    SHIPPING_OPTIONS = "shipping_options"
    DELIVERY_TIME = "delivery_time"
    REFUND_POLICY = "refund_policy"
    CANCELLATION_POLICY = "cancellation_policy"
    PAYMENT_METHODS = "payment_methods"
    WARRANTY = "warranty"
    CHECK_INVOICE = "check_invoice"
    GET_INVOICE = "get_invoice"
    # The customer's account.
    CHANGE_DEFAULT_ADDRESS = "change_default_address"
    CREATE_ACCOUNT = "create_account"
    EDIT_ACCOUNT = "edit_account"
    DELETE_ACCOUNT = "delete_account"
    SWITCH_ACCOUNT = "switch_account"
    RECOVER_PASSWORD = "recover_password"
    REGISTRATION_PROBLEM = "registration_problem"
    NEWSLETTER = "newsletter"
    # Talking to people, feedback.
    CONTACT_SUPPORT = "contact_support"
    HUMAN_AGENT = "human_agent"
    COMPLAINT = "complaint"
    FEEDBACK = "feedback"
    # Conversation.
    PROVIDE_INFO = "provide_info"
    AFFIRM = "affirm"
    DENY = "deny"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    OUT_OF_SCOPE = "out_of_scope"


_DESCRIPTIONS: dict[Intent, str] = {
    Intent.ORDER_STATUS: "where an order is, its status or tracking",
    Intent.CANCEL_ORDER: "cancel an order",
    Intent.MODIFY_ITEMS: "change, add or remove items of an order not yet shipped",
    Intent.MODIFY_ORDER_ADDRESS: "change the shipping address of an order",
    Intent.MODIFY_PAYMENT: "change the payment method used for an order",
    Intent.RETURN_ITEMS: "send delivered items back",
    Intent.EXCHANGE_ITEMS: "swap delivered items for another size, colour or version",
    Intent.REQUEST_REFUND: "get money back",
    Intent.REFUND_STATUS: "follow up on a refund already requested",
    Intent.PAYMENT_PROBLEM: "a payment failed, was declined or charged wrongly",
    Intent.PLACE_ORDER: "buy something, place a new order",
    Intent.PRODUCT_QUESTION: "details, price or availability of a product",
    Intent.RECOMMENDATION: "suggest a product",
    Intent.SHIPPING_OPTIONS: "which shipping or delivery methods the store offers",
    Intent.DELIVERY_TIME: "how long delivery takes, when an order will arrive",
    Intent.REFUND_POLICY: "the store's return and refund policy",
    Intent.CANCELLATION_POLICY: "cancellation fees and cancellation policy",
    Intent.PAYMENT_METHODS: "which payment methods the store accepts",
    Intent.WARRANTY: "warranty and guarantee terms",
    Intent.CHECK_INVOICE: "look at or check an invoice or bill",
    Intent.GET_INVOICE: "receive or download a copy of an invoice",
    Intent.CHANGE_DEFAULT_ADDRESS: "set up or change the address saved on the account",
    Intent.CREATE_ACCOUNT: "open a new account",
    Intent.EDIT_ACCOUNT: "change details of the account or profile",
    Intent.DELETE_ACCOUNT: "close or delete the account",
    Intent.SWITCH_ACCOUNT: "switch to another account or account type",
    Intent.RECOVER_PASSWORD: "reset or recover a forgotten password",
    Intent.REGISTRATION_PROBLEM: "signing up does not work",
    Intent.NEWSLETTER: "subscribe to or unsubscribe from the newsletter",
    Intent.CONTACT_SUPPORT: "how to reach customer service (phone, email, hours)",
    Intent.HUMAN_AGENT: "talk to a human agent now",
    Intent.COMPLAINT: "complain about a product, service or experience",
    Intent.FEEDBACK: "leave a review or feedback",
    Intent.PROVIDE_INFO: "gives details asked for (name, email, zip, order id) without a new request",
    Intent.AFFIRM: "yes, agrees or confirms",
    Intent.DENY: "no, declines",
    Intent.GREETING: "hello",
    Intent.THANKS: "thank you",
    Intent.GOODBYE: "goodbye",
    Intent.OUT_OF_SCOPE: "something a shop's support cannot help with",
}

# Intents that carry a request to serve (the rest are conversational moves).
TASK_INTENTS: frozenset[Intent] = frozenset(_DESCRIPTIONS) - {
    Intent.PROVIDE_INFO,
    Intent.AFFIRM,
    Intent.DENY,
    Intent.GREETING,
    Intent.THANKS,
    Intent.GOODBYE,
    Intent.OUT_OF_SCOPE,
}

# The kinds of account request the agent serves, and the intents that ask for each.
RequestKind = Literal[
    "order_status",
    "cancel",
    "modify_address",
    "modify_payment",
    "modify_items",
    "return",
    "exchange",
    "change_default_address",
]
REQUEST_KINDS: dict[Intent, RequestKind] = {
    Intent.ORDER_STATUS: "order_status",
    Intent.REFUND_STATUS: "order_status",
    Intent.CANCEL_ORDER: "cancel",
    Intent.MODIFY_ITEMS: "modify_items",
    Intent.MODIFY_ORDER_ADDRESS: "modify_address",
    Intent.MODIFY_PAYMENT: "modify_payment",
    Intent.RETURN_ITEMS: "return",
    Intent.REQUEST_REFUND: "return",
    Intent.EXCHANGE_ITEMS: "exchange",
    Intent.CHANGE_DEFAULT_ADDRESS: "change_default_address",
}
# Asking for a person.
HANDOFF_INTENTS = (Intent.HUMAN_AGENT, Intent.CONTACT_SUPPORT)
# Questions about the store's policies and accounts, answered from the knowledge base.
POLICY_INTENTS: frozenset[Intent] = frozenset(
    {
        Intent.SHIPPING_OPTIONS,
        Intent.DELIVERY_TIME,
        Intent.REFUND_POLICY,
        Intent.CANCELLATION_POLICY,
        Intent.PAYMENT_METHODS,
        Intent.WARRANTY,
        Intent.CHECK_INVOICE,
        Intent.GET_INVOICE,
        Intent.CREATE_ACCOUNT,
        Intent.EDIT_ACCOUNT,
        Intent.DELETE_ACCOUNT,
        Intent.SWITCH_ACCOUNT,
        Intent.RECOVER_PASSWORD,
        Intent.REGISTRATION_PROBLEM,
        Intent.NEWSLETTER,
        Intent.PAYMENT_PROBLEM,
        Intent.FEEDBACK,
    }
)

BITEXT_TO_INTENT: dict[str, Intent] = {
    "track_order": Intent.ORDER_STATUS,
    "cancel_order": Intent.CANCEL_ORDER,
    "change_order": Intent.MODIFY_ITEMS,
    "place_order": Intent.PLACE_ORDER,
    "change_shipping_address": Intent.MODIFY_ORDER_ADDRESS,
    "set_up_shipping_address": Intent.CHANGE_DEFAULT_ADDRESS,
    "get_refund": Intent.REQUEST_REFUND,
    "track_refund": Intent.REFUND_STATUS,
    "check_refund_policy": Intent.REFUND_POLICY,
    "check_cancellation_fee": Intent.CANCELLATION_POLICY,
    "payment_issue": Intent.PAYMENT_PROBLEM,
    "check_payment_methods": Intent.PAYMENT_METHODS,
    "delivery_options": Intent.SHIPPING_OPTIONS,
    "delivery_period": Intent.DELIVERY_TIME,
    "check_invoice": Intent.CHECK_INVOICE,
    "get_invoice": Intent.GET_INVOICE,
    "create_account": Intent.CREATE_ACCOUNT,
    "edit_account": Intent.EDIT_ACCOUNT,
    "delete_account": Intent.DELETE_ACCOUNT,
    "switch_account": Intent.SWITCH_ACCOUNT,
    "recover_password": Intent.RECOVER_PASSWORD,
    "registration_problems": Intent.REGISTRATION_PROBLEM,
    "newsletter_subscription": Intent.NEWSLETTER,
    "contact_customer_service": Intent.CONTACT_SUPPORT,
    "contact_human_agent": Intent.HUMAN_AGENT,
    "complaint": Intent.COMPLAINT,
    "review": Intent.FEEDBACK,
}


def describe(intent: Intent) -> str:
    """One-line gloss of an intent, for humans and for an LLM choosing among intents."""
    return _DESCRIPTIONS[intent]
