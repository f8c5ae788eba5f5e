"""The words of replies to a proposal: lexicons, normalisation and tokens.

Each word or phrase of a reply belongs to a lexicon class: Y affirmative, N negation, H hedge or
hesitation, C condition, Q qualifier, T second thought, X correction cue, F filler or politeness,
W question opener, V an action verb that may restate the proposal. `tokenise(text, proposal)` turns
a reply into normalised words (case, curly quotes, emoji and emoticons, repeated letters "yesss"/"noo",
common typos "yse", "definately"), and `lookup(words)` gives a phrase's class. `cue_phrases` shows
both at once.

Pure and fast: no model, no store, no state. It does not know what a reply means as a whole: that
is read in `confirmation`.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "ACTION_VERBS",
    "MAX_PHRASE",
    "QUESTION_OPENERS",
    "SPLIT_WORDS",
    "cue_phrases",
    "lookup",
    "tokenise",
]

# ---------------------------------------------------------------- lexicons

# Classes: Y affirmative, N negation, H hedge/hesitation, C condition, Q qualifier (splits, blocks a
# yes), T second thought (splits, blocks a yes), X correction cue, F filler/politeness, W question
# opener (only at the start of a clause), V an action verb that may restate the proposal.
_LEXICON: dict[str, str] = {
    "Y": """
        yes, yeah, yea, yeh, yep, yup, ya, yah, yas, ye, y, ys, yess, yesh, aye, ok, okay, okey, oki, okie,
        okie dokie, okey dokey, k, kk, alright, all right, aight, alrighty, sure, sure thing, certainly,
        absolutely, definitely, def, defo, of course, ofc, correct, that's correct, that is correct, all
        correct, confirm, confirmed, i confirm, confirming, affirmative, agreed, i agree, agree, exactly,
        precisely, right, that's right, that is right, perfect, fine, fine by me, go ahead, go ahead with
        it, go on, go for it, go, proceed, please proceed, process it, do it, do that, do so, please do,
        let's do it, let's do that, lets do it, sounds good, sounds great, sounds perfect, sounds right,
        sounds fine, sound good, looks good, looks right, looks correct, looks fine, lgtm, works for me,
        that works, all good, yes sir, roger, roger that, deal, indeed, si, sí, oui, ja, make it so, that's
        what i want, that's what i wanted, exactly what i want, is ok, is okay, is fine, is correct, is
        good, is right, it is ok, it's ok, it's fine, it is fine, ok for me, okay for me, good to go, i'm
        good with that, happy with that, submit, approved, approve, i approve, yes indeed, you may, you can,
        for sure, hell yes, hell yeah, heck yes, heck yeah, thumbs up, perfecto, yes please
    """,
    "N": """
        no, nope, nah, naw, nay, n, not, never, negative, no way, hell no, no no, nah mate, no thanks, no
        thank you, don't, do not, dont, won't, cant, can't, cannot, shouldn't, wouldn't, isn't, doesn't,
        didn't, aren't, wasn't, ain't, stop, abort, halt, forget it, forget about it, never mind, nevermind,
        nvm, yeah right, keeping, i'm keeping, disagree, i disagree, rather not, i'd rather not, i'll pass, pass, hold off, skip it, skip that, wrong, incorrect,
        not right, not correct, keep, keep it, keep them, leave it, leave them, leave it as is, as is, as it
        is, let it be, scratch that, disregard, decline, reject, refuse, not interested, changed my mind,
        change my mind, don't change, do not change, no change, no changes, cancel that, cancel this, cancel
        the request, cancel it, undo, nothing, none, just kidding, jk, kidding, not at all, by no means, i
        don't think so, i do not think so, don't think so, no sir, absolutely not, not really, not quite,
        not that, leave, not anymore, heck no, nix, no go, no-go, veto, mistake, my bad, forget, scrap, drop,
        scrap it, scrap that, drop it, drop that
    """,
    "H": """
        hmm, hm, umm, um, uh, uhh, uhm, er, erm, eh, ehh, meh, mm, mmm, maybe, perhaps, possibly, probably,
        might, may be, not sure, not so sure, not really sure, unsure, i'm not sure, im not sure, let me
        think, need to think, think, thinking, i think, i think so, i guess, guess, guess so, i suppose,
        suppose, suppose so, kinda, kind of, sort of, sorta, idk, dunno, don't know, do not know, no idea,
        not sure yet, wait, wait a sec, hold on, hang on, let me, don't understand, do not understand, don't get it, can't decide, cannot decide, one sec, one second, a sec, a second, sec, a
        moment, one moment, just a moment, a minute, one minute, moment, minute, not yet, not now, not right
        now, not today, later, not just yet, let me check, let me see, let me look, lemme, gimme, brb, get
        back, tomorrow, whatever, depends, it depends, hesitant, doubt, doubts, reconsider, confused,
        confusing, hmmm, errr, huh, well, ugh, oh, on second thought, on second thoughts, second thought,
        then again, not certain, unless, i mean, tbh, honestly, actually, hesitate
    """,
    "C": """
        if, only if, as long as, so long as, provided, providing, assuming, in case, when, once, after, as
        soon as, on condition, given that, unless
    """,
    "Q": """
        but, though, although, however, or, otherwise, yet, still
    """,
    "X": """
        instead, only, just the, except, without, rather, prefer, different, another, other, add, also, too,
        as well, plus, remove, use, update, edit, fix, modify, not the, switch, swap, replace, change,
        changed, correction, correct it, new, else, more, less, extra, separately, split, make it, just one,
        only one,
        partial, part
    """,
    "F": """
        please, start, in, make this change, make the change, make that change, make any changes,
        make any change, make changes, pls, plz, plse, pleas, kindly, thanks, thank, thank you, thankyou, thanx, thnx, thx, tks,
        ty, tysm, tyvm, cheers, ta, much, so, very, a lot, lots, appreciated, appreciate, appreciate it,
        much appreciated, it, i, i'm, im, i'd, me, my, we, us, our, that, that's, thats, this, these, those,
        them, they, it's, its, is, are, be, the, a, an, and, to, for, with, by, of, on, all, both,
        everything, just, now, right now, right away, straight away, asap, today, then, ah, sir, madam,
        ma'am, mate, buddy, dude, bro, man, pal, friend, love, lol, haha, hehe, good, great, cool, nice,
        awesome, excellent, brilliant, lovely, wonderful, super, fantastic, amazing, superb, want, wanted,
        like, would, do, can, you, may, will, that's all, thats all, that is all, nothing else, no problem,
        no worries, not a problem, no prob, np, happy, glad, again, really, totally, here, that's it, thats
        it, please and thank you, thanks a lot, thank you so much, many thanks, mister, miss, hi, hello,
        hey, dear, one, ones, am, was, could, should, as, yourself, good one, gladly, happily, truly, your,
        order, orders, item, items, request, sorted, great stuff, bless, brill, fab, ace, kind, whole,
        entire, at once, immediately, quickly, fast, soon, already, let's, regards, best regards, kind
        regards
    """,
    "W": """
        is, are, am, was, were, will, would, can, could, do, does, did, should, shall, how, what, when,
        where, why, which, who, whose, whom, may, have, has, isn't, aren't, won't, wouldn't, don't, doesn't
    """,
    "V": """
        cancel, cancellation, return, exchange, refund, change, switch, swap, update, modify, replace, open,
        send, ship, process, charge, pay, proceed
    """,
}


def _words(text: str) -> list[str]:
    """The comma-separated entries of a word list written as text."""
    return [" ".join(p.split()) for p in text.split(",") if p.strip()]


def _phrases(cls: str) -> list[str]:
    return _words(_LEXICON[cls])


# Order matters for a word in several lists: the first class wins, except that W applies only
# at the start of a clause (below) and V only against the proposal.
_PRIORITY = ("N", "H", "C", "Q", "Y", "X", "F")
QUESTION_OPENERS = frozenset(_phrases("W"))
ACTION_VERBS = frozenset(_phrases("V"))
SPLIT_WORDS = frozenset(
    {"actually", "wait", "hold on", "hang on", "on second thought", "on second thoughts", "then again"}
)

_EMOJI = {
    "Y": "👍👌✅✔☑🆗🙆💯",
    "N": "👎❌✖🚫🙅⛔🛑",
    "H": "🤔🤷😕😬😐🫤😟😶🙄",
    "F": "🙂😊😀😃😄😁☺🙏😉🤗❤💙💚💛🧡💜🎉🙌👏😎✨🤝😍🥰💪😇🌟⭐",
}
_EMOJI_WORD = {"Y": " yes ", "N": " no ", "H": " hmm ", "F": " "}
_EMOTICONS = re.compile(r"(?<!\w)(?:[:;=]-?[)d\]p]|<3)(?!\w)")
_SAD = re.compile(r"(?<!\w)[:;=]-?[(/\\|](?!\w)")
_TYPOS = {
    typo: word.replace("_", " ")
    for typo, word in (
        pair.split("=")
        for pair in _words("""
    yse=yes, yeas=yes, yeap=yep, yesy=yes, ues=yes, tes=yes, yws=yes, yeahh=yeah, yaeh=yeah, yeha=yeah,
    oaky=okay, okya=okay, okey=okey, ohk=ok, okk=ok, oky=okay, alrite=alright, alr=alright,
    allright=alright, aiight=aight, sur=sure, shure=sure, suer=sure, srue=sure, procede=proceed,
    proced=proceed, proceeed=proceed, goahead=go_ahead, confrim=confirm, comfirm=confirm,
    confim=confirm, cofirm=confirm, conform=confirm, corect=correct, corrct=correct, correc=correct,
    definately=definitely, definitly=definitely, deffo=defo, absolutly=absolutely,
    absolutley=absolutely, ofcourse=of_course, perfcet=perfect, perfekt=perfect, plese=please,
    pleasee=please, pleaes=please, thnks=thanks, thanls=thanks, thakns=thanks, thansk=thanks, nop=nope,
    nopes=nope, naa=nah, noway=no_way, donot=do_not, dnt=don't, dont=don't, wiat=wait, wat=what,
    wut=what, waht=what, mayb=maybe, mabye=maybe, mayeb=maybe, hmn=hmm, ummm=umm, surely=certainly,
    yess=yes, yesss=yes, cant=can't, wont=won't, isnt=isn't, doesnt=doesn't, didnt=didn't,
    shouldnt=shouldn't, wouldnt=wouldn't, arent=aren't, aint=ain't, im=i'm, ive=i've, id=i'd, ill=i'll,
    thats=that's, whats=what's, lets=let's, its=it's, u=you, r=are, ur=your
""")
    )
}
# Restating the cancellation reason in a reply to a cancellation is not a negation ("yes, I don't
# need it anymore"): read as one token, which restates the proposal when the summary has that reason.
_REASONS = (
    (
        re.compile(
            r"\b(?:no longer need(?:ed|s)?|don't need (?:it|them|this|that)(?: any ?more)?|"
            r"not needed any ?more|no longer want(?:ed)?|don't want (?:it|them) any ?more)\b"
        ),
        "no longer needed",
        " reason_not_needed ",
    ),
    (
        re.compile(
            r"\b(?:(?:i )?ordered (?:it |them )?by (?:mistake|accident)|by (?:mistake|accident)|"
            r"(?:was|it's|it was) a mistake)\b"
        ),
        "ordered by mistake",
        " reason_mistake ",
    ),
)
_TOKEN = re.compile(r"#?[\w']+|[?…,]", re.UNICODE)


# ---------------------------------------------------------------- normalisation


def _emoji_class(char: str) -> str | None:
    for cls, chars in _EMOJI.items():
        if char in chars:
            return cls
    return None


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'").replace("´", "'")
    text = re.sub("[\U0001f3fb-\U0001f3ff\ufe0f\u200d]", "", text)  # skin tones, variation selectors
    text = _EMOTICONS.sub(" ", text)
    text = _SAD.sub(" hmm ", text)
    text = text.replace("100%", " absolutely ").replace("y/n", " ")
    out = []
    for char in text:
        cls = _emoji_class(char)
        if cls is not None:
            out.append(_EMOJI_WORD[cls])
        elif ord(char) > 0x2400 and not char.isalnum() and char != "…":
            out.append(" _sym_ ")  # a symbol we cannot read (an unknown emoji): never filler
        else:
            out.append(char)
    text = "".join(out)
    text = re.sub(r"\.{2,}|…", " … ", text)
    text = re.sub(r"(?<=\w)-(?=\w)", " ", text)  # go-ahead, no-go
    text = re.sub(r"[.!;:—–\-/()\[\]\"*~]+", " , ", text)
    text = re.sub(r"\?+", " ? ", text)
    return text


def _fix(token: str) -> str:
    """One token with its typo or stretched spelling undone ("yse", "yesss", "noo", "pleasee")."""
    if token in _TYPOS:
        return _TYPOS[token]
    if lookup((token,)) is not None:
        return token
    for repeats, into, classes in ((r"(\w)\1{2,}", r"\1\1", "YNHF"), (r"(\w)\1+", r"\1", "YNH")):
        squeezed = re.sub(repeats, into, token)
        squeezed = _TYPOS.get(squeezed, squeezed)
        if (lookup(tuple(squeezed.split())) or "-") in classes:  # "noo" is no, "off" is not "of"
            return squeezed
    for pattern, word in _STRETCHED:
        if pattern.fullmatch(token):
            return word
    return token


_STRETCHED = (
    (re.compile(r"h+m+|u+m+|u+h+|e+r+m*|m{2,}"), "hmm"),
    (re.compile(r"n+o+"), "no"),
    (re.compile(r"y+e+s+|y+a+s+"), "yes"),
    (re.compile(r"o+k+a*y*"), "ok"),
)


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for cls in reversed(_PRIORITY):  # earlier classes overwrite later ones
        for phrase in _phrases(cls):
            table[tuple(phrase.split())] = cls
    for word in SPLIT_WORDS:
        table[tuple(word.split())] = "T" if word not in ("wait", "hold on", "hang on") else "H"
    table[("_unk_",)] = "U"
    table[("_sym_",)] = "S"  # blocks a yes, says nothing by itself
    return table


def lookup(words: tuple[str, ...]) -> str | None:
    """The lexicon class of a word or phrase (already normalised), or None."""
    return _table().get(words)


MAX_PHRASE = 5


def tokenise(text: str, proposal: str) -> list[str]:
    """The normalised words of `text`, punctuation kept as "," "…" "?"; a cancellation reason it
    restates reads as one token when `proposal` (the summary) has that reason, else as unknown."""
    text = _normalise(text)
    for pattern, reason, placeholder in _REASONS:
        text = pattern.sub(placeholder if reason in proposal.lower() else " _unk_ ", text)
    return [w for t in _TOKEN.findall(text) for w in _fix(t).split()]


def cue_phrases(text: str) -> list[tuple[str, str]]:
    """The words and phrases of `text`, normalised as replies are (case, typos, stretched letters),
    each with its lexicon class (Y, N, H, C, Q, T, X, F; "" for a word of no class), longest phrase
    first. Punctuation is kept as its own token with the class "P"."""
    tokens, out, i = tokenise(text, ""), [], 0
    while i < len(tokens):
        if tokens[i] in (",", "…", "?"):
            out.append((tokens[i], "P"))
            i += 1
            continue
        for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            found = lookup(tuple(tokens[i : i + n]))
            if found is not None or n == 1:
                out.append((" ".join(tokens[i : i + n]), found or ""))
                i += n
                break
    return out
