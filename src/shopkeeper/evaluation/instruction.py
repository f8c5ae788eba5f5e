"""A tau-bench task's `instruction` (written by people, addressed to a simulator: "Your name is ...
You are patient. You've received ...") turned into what the customer would say: the first person.

The conversion is mechanical, so the opening is text the project did not write:

* "Your name is X and your zip code is Z." -> "Hi, my name is X, zip Z." (or "..., email E.");
* personality sentences ("You are patient, polite.", "You're very argumentative.") are dropped;
* sentences that direct the simulator ("If the agent asks ...", "Try your best to ...", "Emphasize
  ...", "Be initially indecisive ...") are dropped: the goal-driven customer acts on them anyway;
  "Tell the agent that X" becomes X;
* "you / your / you're ..." become "I / my / I'm ...";
* the data's Python-style option dicts become words: "{'color': 'black', 'size': '7'}" ->
  "color black, size 7", an address dict -> "1 Main St, Suite 2, Austin, TX 78701, USA".

It knows nothing about the agent or the store.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

__all__ = ["first_person"]

_NAME = re.compile(
    r"^Your name is (?P<name>[^.,]+?) and your (?P<what>zip code|email) is (?P<value>\S+?)\.(\s|$)", re.I
)
_PERSONALITY = re.compile(r"^(You are|You're)( very)? [a-z]+(, [a-z]+)*\.$", re.I)
_TO_SIMULATOR = re.compile(
    r"^(if |try |be |in the end|eventually|but before confirming|you don't remember|"
    r"you do not remember|you're unsure)",
    re.I,
)
_DIRECTIVE = re.compile(  # a directive around something the customer says: keep what is said
    r"^((tell|say to|complain to) the (customer service )?agent that |complain that |"
    r"emphasi[sz]e that |mention that |express (that )?)",
    re.I,
)
_DISAPPOINTMENT = re.compile(r"^disappointment (in|with|about) ", re.I)
_DICT = re.compile(r"\{[^{}]*\}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_PRONOUNS = [  # order matters: longer forms first
    (r"\byou've\b", "I've"),
    (r"\byou're\b", "I'm"),
    (r"\byou'd\b", "I'd"),
    (r"\byou'll\b", "I'll"),
    (r"\byou are\b", "I am"),
    (r"\byou were\b", "I was"),
    (r"\byourself\b", "myself"),
    (r"\byours\b", "mine"),
    (r"\byour\b", "my"),
    (
        r"\b(to|for|with|ask|asks|tell|tells|give|gives|help|helps|send|sends|let|lets|offer|offers) you\b",
        r"\1 me",
    ),
    (r"\byou\b", "I"),
]
_ADDRESS_ORDER = ("address1", "address2", "city", "state", "zip", "country")


def _words(match: re.Match[str]) -> str:
    """A Python-style dict from the data, said in words (in parentheses after a product name)."""
    try:
        value = ast.literal_eval(match.group())
    except (ValueError, SyntaxError):
        return match.group()
    if not isinstance(value, dict):
        return match.group()
    if "address1" in value:
        parts = [str(value.get(k) or "") for k in ("address1", "address2", "city")]
        place = f"{value.get('state', '')} {value.get('zip', '')}".strip()
        return ", ".join(p for p in [*parts, place, str(value.get("country") or "")] if p)
    if not value:
        return "the same options"
    said = ", ".join(f"{k} {v}" for k, v in value.items())
    return said if match.string[: match.start()].rstrip().endswith(" to") else f"({said})"


def _pronouns(text: str) -> str:
    for pattern, repl in _PRONOUNS:
        text = re.sub(pattern, _replacer(repl), text, flags=re.I)
    return text


def _replacer(repl: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _keep_case(m, m.expand(repl))


def _keep_case(match: re.Match[str], replacement: str) -> str:
    if match.group()[:1].isupper() and not replacement.startswith("I"):
        return replacement[:1].upper() + replacement[1:]
    return replacement


def first_person(instruction: str) -> str:
    """What the customer of this instruction says first, in the first person."""
    text = " ".join(instruction.split())
    opening = ""
    if (m := _NAME.match(text)) is not None:
        what = "zip" if m["what"].lower().startswith("zip") else "email"
        opening = f"Hi, my name is {m['name']}, {what} {m['value'].rstrip('.')}."
        text = text[m.end() :]
    text = _DICT.sub(_words, text)
    kept: list[str] = []
    for sentence in _SENTENCE.split(text):
        sentence = sentence.strip()
        if not sentence or _PERSONALITY.match(sentence) or _TO_SIMULATOR.match(sentence):
            continue
        sentence = _DISAPPOINTMENT.sub("I'm disappointed in ", _DIRECTIVE.sub("", sentence))
        sentence = _pronouns(sentence)
        kept.append(sentence[:1].upper() + sentence[1:])
    body = " ".join(kept).replace(" ;", ";").strip()
    if body and body[-1] not in ".!?":
        body = body.rstrip(";, ") + "."
    return f"{opening} {body}".strip()
