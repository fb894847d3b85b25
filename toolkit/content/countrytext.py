"""One lesson text for every country: help routes named by role, law in per-country sections.

A lesson body never names a national service. It writes a placeholder such as
``{route:image-removal}`` that the export fills with the school's country's route, and puts what
differs by country (the law) in sections chosen at export::

    [country: GB]
    Text for the United Kingdom.
    [country: IE US]
    Text for Ireland and the United States.
    [country: other]
    A neutral text for every other country.
    [country: end]

Everything here reads text with ``str.find`` and line splits: linear on any input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from toolkit.content.schema import ROUTE_ROLES

# A school's safeguarding role where neither the school nor its country's file names one.
DEFAULT_SAFEGUARDING_ROLE = "child protection coordinator"
ROUTE_PREFIX = "route:"
EMERGENCY = "emergency"
SAFEGUARDING_ROLE = "safeguarding-role"
PLACEHOLDERS = frozenset({f"{ROUTE_PREFIX}{role}" for role in ROUTE_ROLES}) | {
    EMERGENCY,
    SAFEGUARDING_ROLE,
}
LONGEST_PLACEHOLDER = max(len(name) for name in PLACEHOLDERS) + 2
# Roles whose routes serve adults only: never named in a pupil's text.
ADULT_ROLES = frozenset({"adult-image-abuse", "parent-line"})

# What a printed text says where a country has no route of a role. Each fits where a route's
# name would stand ("use {route:image-removal}", "report it to {route:police-report}").
FALLBACKS = {
    "child-helpline": "a helpline for children and young people",
    "csam-hotline": "the police",
    "image-removal": "the report button of the app or site where it was shared",
    "police-report": "the police",
    "parent-line": "a parenting helpline",
    "relationship-abuse": "a helpline for young people",
    "adult-image-abuse": "the police",
    "online-harm-report": "the report button of the app or site",
}

SECTION_OPEN = "[country:"
SECTION_OTHER = "other"
SECTION_END = "end"


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    name: str  # what is between the braces, e.g. "route:child-helpline"

    @property
    def known(self) -> bool:
        return self.name in PLACEHOLDERS

    @property
    def role(self) -> str | None:
        return self.name[len(ROUTE_PREFIX) :] if self.name.startswith(ROUTE_PREFIX) else None


def placeholders_in(text: str) -> Iterator[Placeholder]:
    """Every `{name}` that looks like a placeholder (a known one, or `{route:...}`)."""
    position = text.find("{")
    while position != -1:
        close = text.find("}", position + 1, position + LONGEST_PLACEHOLDER + 40)
        name = text[position + 1 : close].strip() if close != -1 else ""
        if close != -1 and (name in PLACEHOLDERS or name.startswith(ROUTE_PREFIX)):
            yield Placeholder(position, close + 1, name)
            position = text.find("{", close + 1)
        else:
            position = text.find("{", position + 1)


def fill_placeholders(text: str, value: Callable[[str], str]) -> str:
    """The text with each known placeholder replaced by `value(name)`; others are left as typed."""
    parts, last = [], 0
    for placeholder in placeholders_in(text):
        if placeholder.known:
            parts += [text[last : placeholder.start], value(placeholder.name)]
            last = placeholder.end
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


@dataclass(frozen=True)
class SectionMarker:
    line: int  # 1-based line of the marker within the text
    codes: tuple[str, ...]  # country codes, ("other",) or ("end",)


def section_marker(line: str) -> tuple[str, ...] | None:
    """The codes of a `[country: GB IE]` line, ("other",), ("end",), or None for other lines."""
    stripped = line.strip()
    if not (stripped.lower().startswith(SECTION_OPEN) and stripped.endswith("]")):
        return None
    words = stripped[len(SECTION_OPEN) : -1].replace(",", " ").split()
    return tuple(w.lower() if w.lower() in (SECTION_OTHER, SECTION_END) else w for w in words)


def section_markers(text: str) -> list[SectionMarker]:
    return [
        SectionMarker(number, codes)
        for number, line in enumerate(text.split("\n"), start=1)
        if (codes := section_marker(line)) is not None
    ]


def section_problems(text: str, known_codes: frozenset[str]) -> list[tuple[int, str]]:
    """What is wrong with a text's country sections: [(line, message)]."""
    problems, open_group, has_other, seen = [], False, False, set()
    for marker in section_markers(text):
        if marker.codes == (SECTION_END,):
            if not open_group:
                problems.append((marker.line, "[country: end] without a [country: ...] before"))
            elif not has_other:
                problems.append((marker.line, "country sections end without [country: other]"))
            open_group, has_other, seen = False, False, set()
            continue
        if not marker.codes:
            problems.append((marker.line, "[country: ] names no country"))
        for code in marker.codes:
            if code == SECTION_OTHER:
                has_other = True
            elif code not in known_codes:
                problems.append((marker.line, f"unknown country code {code!r} (upper case)"))
            elif code in seen:
                problems.append((marker.line, f"country {code} has two sections"))
            seen.add(code)
        open_group = True
    if open_group:
        problems.append((len(text.split("\n")), "country sections not closed by [country: end]"))
    return problems


def outside_sections(text: str) -> list[tuple[int, str]]:
    """The lines of a text that every country reads: [(line number, line)], markers excluded."""
    kept, inside = [], False
    for number, line in enumerate(text.split("\n"), start=1):
        codes = section_marker(line)
        if codes is not None:
            inside = codes != (SECTION_END,)
        elif not inside:
            kept.append((number, line))
    return kept


def select_country(text: str, code: str) -> str:
    """The text as printed for a country: its own section of each group, else `other`."""
    if SECTION_OPEN not in text.lower():
        return text
    out: list[str] = []
    group: list[tuple[tuple[str, ...], list[str]]] | None = None
    for line in text.split("\n"):
        codes = section_marker(line)
        if codes is None:
            (group[-1][1] if group is not None else out).append(line)
        elif codes == (SECTION_END,):
            out.extend(_chosen(group or [], code))
            group = None
        else:
            group = (group or []) + [(codes, [])]
    if group is not None:  # never closed (the linter says so): print what fits best anyway
        out.extend(_chosen(group, code))
    return "\n".join(out)


def _chosen(group: list[tuple[tuple[str, ...], list[str]]], code: str) -> list[str]:
    for codes, lines in group:
        if code in codes:
            return lines
    for codes, lines in group:
        if SECTION_OTHER in codes:
            return lines
    return []


def localise(text: str, code: str, values: Mapping[str, str]) -> str:
    """A lesson text for one country: its sections chosen, its placeholders filled."""
    return fill_placeholders(select_country(text, code), lambda name: values.get(name, name))
