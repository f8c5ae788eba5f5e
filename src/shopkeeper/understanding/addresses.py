"""Street addresses in free text: address1, address2, city, state, country and zip, as far as readable.

`extract_address(text)` is a pure function of rules tuned for US-style addresses ("445 Elm Road, Apt 3,
Springfield, IL 62704, USA"), tolerant of missing commas and full state names; parts it cannot read are
left None. It knows nothing about customers or orders.
"""

from __future__ import annotations

import re

from shopkeeper.understanding.models import AddressMention

__all__ = ["ZIP_PATTERN", "extract_address"]

# Five digits standing alone: not part of an id, a price or a quantity ("#12345", "$12345.00", "20000mAh").
ZIP_PATTERN = re.compile(r"(?<![\w#$.-])(\d{5})(?:-\d{4})?(?![\w-]|[.,]\d)")

_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|terrace|ter|"
    r"parkway|pkwy"
    r"|circle|cir|highway|hwy|trail|trl|square|sq|alley|crescent|close"
)
_ADDRESS1 = re.compile(
    rf"\b(\d{{1,6}}[A-Za-z]?\s+(?:[A-Za-z0-9.'\-]+\s+){{0,4}}?(?:{_STREET_TYPES})\b\.?)", re.I
)
# A street line without a street type ("580 Broadway", "12 Via Roma"): only taken when a city, a
# state and a zip code follow it.
_BARE_STREET = re.compile(
    r"\b(\d{1,6}[A-Za-z]?\s+[A-Za-z][A-Za-z0-9.'\-]*(?:\s+[A-Za-z][A-Za-z0-9.'\-]*){0,3})(?=\s*,)"
)
_ADDRESS2 = re.compile(r"^\s*,?\s*((?:apt|apartment|suite|ste|unit|floor|fl|room|#)\.?\s*#?\s*[\w-]+)", re.I)
_US_STATES = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    "district of columbia": "DC",
}
_STATE_CODES = set(_US_STATES.values())
_COUNTRIES = {
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "canada": "Canada",
    "uk": "UK",
    "united kingdom": "UK",
    "mexico": "Mexico",
    "germany": "Germany",
    "france": "France",
    "australia": "Australia",
}
# Where the address ends: punctuation, the end, a remark in parentheses ("(same as my other order)")
# or the next words of the sentence.
_END = r"\s*(?:[.!?;—–(]|$|,|\s+(?:and|also|btw|please|pls|plz|thanks|thank|thx|ty|but|instead|now|asap|then|too|if|for|so|on|to)\b|\s+[-—–])"
_TAIL = re.compile(
    r"^\s*,?\s*(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,\s*(?P<state>[A-Za-z][A-Za-z ]*?)\.?\s*,?\s*"
    r"(?P<zip>\d{5}(?:-\d{4})?|"
    r"[A-Z]\d[A-Z] ?\d[A-Z]\d)?\s*(?:,\s*(?P<country>[A-Za-z .]+?))?" + _END,
)
_TAIL_NO_COMMA = re.compile(
    r"^\s*,?\s*(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s+(?P<state>[A-Za-z]{2})\s*,?\s*(?P<zip>\d{5}(?:-\d{4})?)"
    r"\s*(?:,\s*(?P<country>[A-Za-z .]+?))?" + _END
)


def _state(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.upper() in _STATE_CODES or (len(value) == 2 and value.isalpha()):  # "AZ", "on" (Ontario)
        return value.upper()
    return _US_STATES.get(value.lower(), value.title())


def _capitalised(words: str) -> str:
    """Each word's first letter in capitals, the rest as written: "5th avenue" -> "5th Avenue"."""
    return " ".join(w[:1].upper() + w[1:] for w in words.split())


def _tail(rest: str) -> re.Match[str] | None:
    """City, state, zip (and country) after the street lines: "Springfield, IL 62704", or without
    commas when a US state code and a zip say where the city ends ("new york ny 10012")."""
    bare = _TAIL_NO_COMMA.match(rest)
    if bare and bare.group("state").upper() in _STATE_CODES:
        return bare
    return _TAIL.match(rest)


def _full_tail(rest: str) -> bool:
    """Whether `rest` (the text after a street line) goes on with an address line 2 (if any), a city,
    a US state and a zip code."""
    if m2 := _ADDRESS2.match(rest):
        rest = rest[m2.end() :]
    tail = _tail(rest)
    return bool(tail and tail.group("zip") and _state(tail.group("state")) in _STATE_CODES)


def extract_address(text: str) -> AddressMention | None:
    """A street address in free text: '445 Elm Road, Apt 3, Springfield, IL 62704, USA' and similar.
    Parts that cannot be read are left None; a message with no street line gives None."""
    m = _ADDRESS1.search(text) or next(
        (b for b in _BARE_STREET.finditer(text) if _full_tail(text[b.end() :])), None
    )
    if not m:
        return None
    address1 = " ".join(m.group(1).rstrip(".").split())
    rest = text[m.end() :]
    address2 = None
    if m2 := _ADDRESS2.match(rest):
        address2 = " ".join(m2.group(1).split())
        rest = rest[m2.end() :]
    city = state = zip_code = country = None
    tail = _tail(rest)
    if tail:
        city = tail.group("city").strip().title() or None
        state = _state(tail.group("state"))
        zip_code = tail.group("zip")
        raw_country = (tail.group("country") or "").strip().lower()
        country = _COUNTRIES.get(raw_country) or (raw_country.title() or None)
        if state and state.lower() in _COUNTRIES:  # "Paris, France" has no state
            country, state = _COUNTRIES[state.lower()], None
    if zip_code is None and (z := ZIP_PATTERN.search(rest)):
        zip_code = z.group(1)
    if country is None and zip_code and state in _STATE_CODES:
        country = "USA"
    if address1.islower():  # written all in lowercase ("411 park avenue"): as it would be printed
        address1 = _capitalised(address1)
    if address2 and address2.islower():
        address2 = _capitalised(address2)
    return AddressMention(
        address1=address1, address2=address2, city=city, state=state, country=country, zip=zip_code
    )
