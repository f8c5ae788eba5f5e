"""Payment references in a message: a card by brand and last four ("visa ending 4321", "amex 1234",
"my cc"), PayPal ("pp"), a gift card ("GC", "store credit"). Which of the customer's own methods one
names is decided against their methods by the flows (`flows/payment.py`)."""

from __future__ import annotations

import re

from shopkeeper.understanding.models import PaymentMention

__all__ = ["extract_payment_methods"]

_BRANDS = {
    "visa": "visa",
    "mastercard": "mastercard",
    "master card": "mastercard",
    "amex": "amex",
    "american express": "amex",
    "discover": "discover",
    "maestro": "maestro",
    "diners": "diners",
}
_CARD = re.compile(
    r"\b(?P<brand>visa|master\s?card|amex|american express|discover|maestro|diners)?\s*"
    r"(?:(?:credit|debit)\s+)?(?P<card>card|cc)?\s*(?:that\s+)?(?:ending|ends|ended|last (?:four|4|digits))\s*"
    r"(?:in|with|on|:)?\s*(?:digits\s*)?(?P<last>\d{4})\b",
    re.I,
)
_BRAND_LAST = re.compile(  # "amex 1234", "the visa #4321", "mastercard card 5555"
    r"\b(?P<brand>visa|master\s?card|amex|american express|discover|maestro|diners)\s*(?:card\s*)?#?\s*"
    r"(?P<last>\d{4})\b(?!\s*[-/]?\d)",
    re.I,
)
_BRAND_ONLY = re.compile(r"\b(visa|master\s?card|amex|american express|discover)\b", re.I)
_CREDIT = re.compile(
    r"\b(credit card|debit card|my card|the card|other card|bank card|(?:my |the )?cc|credit ?card)\b", re.I
)
_PAYPAL = re.compile(r"\bpay\s?pal\b|\bpp\b", re.I)  # "use pp for the diff"
_GIFT = re.compile(r"\bgift\s?-?cards?\b|\bstore credit\b|\bgift certificate\b|\bgc\b", re.I)


def extract_payment_methods(text: str) -> list[PaymentMention]:
    """Payment references in reading order: cards (brand, last four), PayPal, gift card."""
    found: list[tuple[int, PaymentMention]] = []
    spans: list[tuple[int, int]] = []
    for m in _CARD.finditer(text):
        brand = m.group("brand")
        found.append(
            (
                m.start(),
                PaymentMention(
                    source="credit_card",
                    brand=_BRANDS.get(" ".join(brand.lower().split())) if brand else None,
                    last_four=m.group("last"),
                    text=m.group(0).strip(),
                ),
            )
        )
        spans.append(m.span())
    for m in _BRAND_LAST.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            brand = " ".join(m.group("brand").lower().split())
            found.append(
                (
                    m.start(),
                    PaymentMention(
                        source="credit_card",
                        brand=_BRANDS.get(brand),
                        last_four=m.group("last"),
                        text=m.group(0),
                    ),
                )
            )
            spans.append(m.span())
    for m in _BRAND_ONLY.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            found.append(
                (
                    m.start(),
                    PaymentMention(
                        source="credit_card",
                        brand=_BRANDS[" ".join(m.group(1).lower().split())],
                        text=m.group(0),
                    ),
                )
            )
            spans.append(m.span())
    for m in _CREDIT.finditer(text):
        if not any(s <= m.start() < e or s < m.end() <= e for s, e in spans) and not _GIFT.match(
            text, m.start()
        ):
            if "gift" in text[max(0, m.start() - 6) : m.start()].lower():
                continue
            found.append((m.start(), PaymentMention(source="credit_card", text=m.group(0))))
            spans.append(m.span())
    found.extend(
        (m.start(), PaymentMention(source="paypal", text=m.group(0))) for m in _PAYPAL.finditer(text)
    )
    found.extend(
        (m.start(), PaymentMention(source="gift_card", text=m.group(0))) for m in _GIFT.finditer(text)
    )
    return [p for _, p in sorted(found, key=lambda pair: pair[0])]
