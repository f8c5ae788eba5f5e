"""Messages that are only small talk: a greeting, thanks, or a goodbye (closing the conversation).

`read_small_talk(text) -> "greeting" | "thanks" | "goodbye" | None`. A message counts only when every
word of it belongs to small talk (greeting, thanks and goodbye words, closings such as "that's all"
or "all sorted", and filler such as "great", "mate", "no"): "great, that's all i needed. bye" and
"cheers mate, all sorted" are goodbyes, "no thanks, that's all" too (declining more help closes the
conversation); "hi, I want to cancel an order" is not small talk. Which kind wins: a goodbye or
closing word makes it a goodbye; otherwise thanks; otherwise a greeting. Pure rules, no model; this
module knows nothing about proposals (a reply to one is read by `confirmation`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

__all__ = ["SmallTalk", "read_small_talk"]

SmallTalk = Literal["greeting", "thanks", "goodbye"]

_WORDS = {
    "greeting": """
        hi, hello, hey, hiya, heya, howdy, yo, hallo, hola, bonjour, greetings, good morning, good afternoon,
        good evening, good day, morning, afternoon, evening, hi there, hello there, hey there, sup, whats up,
        what's up, how are you, how are you doing, how's it going, hows it going, how r u, how are u, g'day,
        👋
    """,
    "thanks": """
        thanks, thank, thank you, thankyou, thx, thanx, thnx, thnks, tx, ty, tysm, tyvm, cheers, ta,
        appreciate, appreciate it, appreciated, much appreciated, grateful, merci, gracias, danke, 🙏,
        you're a star, you rock, you're the best, legend, helpful, very helpful, kind, you've been great
    """,
    "goodbye": """
        bye, goodbye, good bye, byebye, bye bye, bye now, cya, see you, see ya, see you later, later, laters,
        talk later, talk to you later, ttyl, take care, have a nice day, have a good day, have a great day,
        have a nice evening, have a good evening, have a good one, have a great weekend, have a nice weekend,
        good night, night, farewell, adios, ciao, catch you later, signing off, i'm off, that's me,
        that's all, that is all, that's it, that is it, that's everything, that is everything, thats all,
        thats it, thats everything, that'll be all,
        that will be all, nothing else, nothing more, no more, all sorted, sorted, all set, all done, i'm done,
        im done, i'm good, im good, i'm all set, all good, we're done, we're good, i'm sorted,
        no further questions, that covers it, that was all, that was it, that's all i needed, all i needed,
        all i need, that's all i need, that's all for now, that's it for now, nothing else for now, done,
        good for now, i'm fine, im fine
    """,
    "filler": """
        great, perfect, ok, okay, k, cool, awesome, nice, brilliant, lovely, excellent, wonderful, amazing,
        fantastic, super, alright, all right, right, good, so, very, much, a lot, lots, again, for, your,
        the, help, helping, assistance, support, all, mate, buddy, dude, man, friend, guys, team, folks,
        really, oh, and, then, now, just, i, you, it, that, was, is, me, my, everything, yes, yeah, yep,
        no, nope, nah, no thanks, no thank you, for now, today, too, well, bot, there, to, a, sir, madam,
        🙂, 😊, 👍, 😀, 😄, ❤, needed, need, wanted, want, everyone, folks, y'all, that's, thats, got,
        what, i needed, question, questions, answered, sorted out, solved, fixed, we, are, have, had,
        this, from, ah, with, lol, haha, super helpful, thank you very much, thanks so much, all of it,
        truly, indeed, mate, pal, x, xx, u, ya, r
    """,
}
_KIND = {"greeting": "G", "thanks": "T", "goodbye": "B", "filler": "F"}
_MAX = 6
_TOKEN = re.compile(r"[\w']+|[👋🙏🙂😊👍😀😄❤]")


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for kind in ("filler", "greeting", "thanks", "goodbye"):  # later kinds win a shared phrase
        for phrase in _WORDS[kind].split(","):
            if phrase.strip():
                table[tuple(phrase.split())] = _KIND[kind]
    return table


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("\ufe0f", "")
    text = re.sub(r"(\w)\1{2,}", r"\1", text)  # byeee, thanksss, hiii
    return _TOKEN.findall(text)


def read_small_talk(text: str) -> SmallTalk | None:
    """The kind of small talk `text` is, or None when it says anything else (see the module docstring)."""
    tokens, table, seen = _tokens(text), _table(), set()
    if not tokens or len(tokens) > 20:
        return None
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX, len(tokens) - i), 0, -1):
            kind = table.get(tuple(tokens[i : i + n]))
            if kind is not None:
                seen.add(kind)
                i += n
                break
        else:
            return None  # a word that is not small talk: a request, a question, an answer
    if "B" in seen or ("T" in seen and any(t in ("no", "nope", "nah") for t in tokens)):
        return "goodbye"
    if "T" in seen:
        return "thanks"
    if "G" in seen:
        return "greeting"
    return None
