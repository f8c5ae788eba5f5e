"""What an agent's reply asks, read from its text alone, as a person reads it.

`read(text)` finds the reply's question (the last sentence with a question mark, a "(yes/no)" or a
"please tell me ..."), and tells what it is about from the words a person would go by: a proposal
to confirm ("Shall I go ahead?", "(yes/no)", "Do you want me to ...?"), identity (verify, email,
name, zip), which order, which items, what instead (options, "instead", "available"), the payment
method, the reason, the address, "anything else?", or a question it cannot place. Without a question
it notes whether the reply reports something done, a refusal, or a handoff to a person.

It never looks at events and does not depend on the agent's exact templates: only on question marks
and key words. It knows nothing about goals or stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Asked", "Reading", "read"]

Asked = Literal[
    "confirm",
    "identity",
    "order",
    "items",
    "new_items",
    "payment",
    "reason",
    "address",
    "anything_else",
    "other",  # a question, but about something the customer cannot place
]

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PLEASE = re.compile(r"\b(please|kindly)\b[^.]*\b(tell|give|provide|share|confirm|let me know|send)\b", re.I)
_CONFIRM = re.compile(
    r"\(yes\s*/\s*no\)|\b(shall|should|can|may) i (go ahead|proceed|do (it|that|this)|confirm|submit|"
    r"place|make|process|cancel|change|open|switch|update|start)\b|\b(do|would) you (want|like) me to\b|"
    r"\bis (that|this) (right|correct|ok|okay)\b|\bcan you confirm\b|\bplease confirm\b|\bconfirm (this|that)\b|"
    r"\bgo ahead\b",
    re.I,
)
_ANYTHING_ELSE = re.compile(
    r"\banything else\b|\bsomething else\b|\banything more\b|\belse (i|we) can\b", re.I
)
_ASKS: list[tuple[Asked, re.Pattern[str]]] = [
    ("anything_else", _ANYTHING_ELSE),
    ("address", re.compile(r"\b(shipping|delivery|new|mailing|default|home) address\b|\bstreet\b", re.I)),
    (
        "identity",
        re.compile(
            r"\bverif|\bidentity\b|\bemail\b|\bzip\b|\bpostcode\b|\byour (full )?name\b|\b(first|last|full) name\b|"
            r"\bwho you are\b",
            re.I,
        ),
    ),
    ("reason", re.compile(r"\bwhy\b|\breason\b", re.I)),
    (
        "payment",
        re.compile(
            r"\bpayment\b|\bpay\b|\bcard\b|\bpaypal\b|\bgift card\b|\brefund(ed)? to\b|\bprice difference\b|\bcharged?\b",
            re.I,
        ),
    ),
    ("address", re.compile(r"\baddress\b|\bship(ped)? to\b|\bdeliver(ed)? to\b", re.I)),
    (
        "new_items",
        re.compile(
            r"\binstead\b|\bavailable\b|\bwhich (option|variant|version|one|colou?r|size|model)\b|\bchange (it|them|.*) to\b|\breplace(ment)?\b|\bnew (one|item|option|variant)",
            re.I,
        ),
    ),
    (
        "items",
        re.compile(r"\bwhich (items?|products?|things?|of)\b|\bwhat (items?|products?)\b|\bitems?\b", re.I),
    ),
    ("order", re.compile(r"\border\b|\bpurchase\b", re.I)),
]
_DONE = re.compile(  # a report that something was done (not a proposal's "the order is cancelled and ...")
    r"^\s*(all )?done\b|\bdone[:!]|\b(is|are) now\b|\b(has|have) been (cancell?ed|changed|updated|opened|"
    r"submitted|processed|switched|modified|returned|exchanged)\b|\bi'?ve (cancell?ed|changed|updated|opened|"
    r"switched|started|submitted|processed)\b|\bsuccessfully\b",
    re.I,
)
_REFUSED = re.compile(
    r"\bcan'?t\b|\bcannot\b|\bcan not\b|\bunable\b|\bnot able\b|\bnot possible\b|\bisn'?t possible\b|"
    r"\bnot allowed\b|\bonly (be )?(possible|allowed|done)\b|\bnot eligible\b|\bcouldn'?t\b|\bcould not\b|"
    r"\bunfortunately\b|\bsorry\b|\bnot enough\b|\binsufficient\b|\balready\b",
    re.I,
)
_WILL = re.compile(r"(I'll|I will|I'm going to|I am going to|I can|We'll|We will|Let me)\b", re.I)
_HANDOFF = re.compile(
    r"\b(human|colleague|person|specialist|team member|staff member|supervisor|live agent)\b.*"
    r"\b(will|shortly|take over|get back|connect|join|with you soon|contact)\b|\btransferr?(ing|ed)? you\b|"
    r"\bhand(ing)? (you|this|the conversation) (over|to)\b",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """What a reply says: what it asks (None when it asks nothing), the question itself, the text of
    a proposal to confirm, and whether it reports something done, refused, or a handoff."""

    asked: Asked | None
    question: str = ""
    proposal: str = ""
    done: bool = False
    refused: bool = False
    handoff: bool = False


def _is_question(sentence: str) -> bool:
    return "?" in sentence or bool(_PLEASE.search(sentence)) or "(yes/no)" in sentence.lower()


def _proposal(sentences: list[str], confirm: int) -> str:
    """The proposal: the sentences before its question, after any report of something done or refused,
    from the last one that says what the agent will do ("I'll ...") when there is one."""
    start = confirm
    while start > 0 and not (_DONE.search(sentences[start - 1]) or _REFUSED.search(sentences[start - 1])):
        start -= 1
    said = [i for i in range(start, confirm + 1) if _WILL.match(sentences[i])]
    return " ".join(sentences[said[-1] if said else start : confirm + 1])


def read(text: str) -> Reading:
    """The reading of one agent reply (see the module docstring)."""
    flat = " ".join(text.split())
    sentences: list[str] = []
    for part in (s.strip() for s in _SENTENCE.split(text)):
        if part and sentences and part.startswith("("):  # "Shall I go ahead? (yes/no)" is one sentence
            sentences[-1] += " " + part
        elif part:
            sentences.append(part)
    questions = [s for s in sentences if _is_question(s)]
    handoff = bool(_HANDOFF.search(flat))
    done = bool(_DONE.search(flat))
    refused = bool(_REFUSED.search(flat)) and not done
    if not questions:
        return Reading(None, done=done, refused=refused, handoff=handoff)
    confirm = next(
        (
            i
            for i in reversed(range(len(sentences)))
            if _is_question(sentences[i]) and _CONFIRM.search(sentences[i])
        ),
        None,
    )
    if confirm is not None and not _ANYTHING_ELSE.search(sentences[confirm]):
        return Reading("confirm", sentences[confirm], _proposal(sentences, confirm), done, refused, handoff)
    question = questions[-1]
    # "anything else?" after a report of something done; the last question otherwise
    asked: Asked = next((kind for kind, pattern in _ASKS if pattern.search(question)), "other")
    if asked == "other" and len(questions) > 1:
        asked = next((kind for kind, pattern in _ASKS if pattern.search(questions[-2])), "other")
    return Reading(asked, question, "", done, refused, handoff)
