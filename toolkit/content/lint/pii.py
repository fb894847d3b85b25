"""PII: email addresses, phone numbers that are not known helplines, other real pupil data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from toolkit.content.lint.base import BlockContext, Hit

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Reserved for documentation (RFC 2606 and RFC 6761): safe placeholders.
RESERVED_DOMAIN = re.compile(
    r"(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$", re.IGNORECASE
)
PHONE = re.compile(
    r"(?<![\w/#.:-])(?:\+\d{1,3}[ -]?)?(?:\(\d{1,5}\)[ -]?)?\d(?:[ -]?\d){5,14}(?![\w/-])"
)
MIN_PHONE_DIGITS = 7  # shorter numbers are emergency and short codes (999, 112, 116 111)
NOT_PHONE = [
    re.compile(r"^(?:19|20)\d\d ?- ?(?:19|20)?\d\d$"),  # a range of years
    re.compile(r"^\d{4}-\d{2}-\d{2}$"),  # an ISO date
    re.compile(r"^\d{1,2}-\d{1,2}-\d{2,4}$"),  # a date
    re.compile(r"^\d{1,3}(?: \d{3})+$"),  # a large number written with spaces
]
OTHER_SIGNS = [
    (
        re.compile(r"\b(?:date of birth|d\.o\.b\.?|dob|born on)\b\s*+(?::\s*+)?\d", re.IGNORECASE),
        "a date of birth",
    ),
    (
        re.compile(r"\b(?:UPN|unique pupil number)\b\s*+(?::\s*+)?[A-Z0-9]", re.IGNORECASE),
        "a unique pupil number",
    ),
    (
        re.compile(r"\b[A-HJ-NP-Z]\d{11}[0-9A-HJ-NP-Z]\b"),
        "something shaped like a unique pupil number",
    ),
    (
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}\b"),
        "something shaped like a UK postcode",
    ),
    (
        re.compile(
            r"\b\d{1,4}[a-z]? [A-Z][a-z]+ (?:Road|Street|Avenue|Lane|Close|Drive|Way|Crescent|"
            r"Gardens|Terrace|Place|Court|Grove|Rd|St|Ave)\b"
        ),
        "a street address",
    ),
    (
        re.compile(
            r"\b[A-Z][a-z]+ [A-Z][a-z'-]+,? \(?(?:in |from )?(?:Year|Yr|Y|[Cc]lass|[Ff]orm) ?"
            r"\d{1,2}[A-Z]?\b"
        ),
        "a full name with a year group or class",
    ),
    (
        re.compile(
            r"\b(?:Year|Yr|Y) ?\d{1,2}[A-Z]? (?:pupil|student|girl|boy|child) "
            r"[A-Z][a-z]+ [A-Z][a-z'-]+"
        ),
        "a full name with a year group",
    ),
]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def known_numbers(helplines: Iterable[str]) -> frozenset[str]:
    """Return helpline numbers as digits, with and without their leading zero."""
    found: set[str] = set()
    for number in helplines:
        value = digits(number)
        if value:
            found.update({value, value.lstrip("0")})
    return frozenset(found)


def is_known(number: str, known: frozenset[str]) -> bool:
    """Tell whether a number is a helpline, written nationally or with a country code."""
    value = digits(number)
    if value in known or value.lstrip("0") in known:
        return True
    # +44 800 1111 is 0800 1111: compare without the country code.
    return any(len(k) >= 6 and value.endswith(k) and len(value) - len(k) <= 3 for k in known)


def _phones(line: str, known: frozenset[str]) -> Iterator[str]:
    for match in PHONE.finditer(line):
        number = match.group(0).strip()
        if len(digits(number)) < MIN_PHONE_DIGITS or is_known(number, known):
            continue
        if any(pattern.match(number) for pattern in NOT_PHONE):
            continue
        yield number


def check(ctx: BlockContext) -> Iterator[Hit]:
    """Flag personal data in any block."""
    for offset, line in enumerate(ctx.text.plain_lines):
        for match in EMAIL.finditer(line):
            domain = match.group(0).rsplit("@", 1)[1]
            if not RESERVED_DOMAIN.search(domain):
                yield ctx.hit("PII", offset, f'an email address "{match.group(0)}"')
        for number in _phones(line, ctx.helplines):
            yield ctx.hit("PII", offset, f'a phone number "{number}" that is not a known helpline')
        for pattern, what in OTHER_SIGNS:
            found = pattern.search(line)
            if found:
                yield ctx.hit("PII", offset, f'{what} "{found.group(0)}"')
