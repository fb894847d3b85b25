"""What a teacher may add to one letter home at export: the lesson's date, class and name.

These details are typed on the export page and travel with the request. They are used for that
one PDF and never stored: not in the database, the audit trail or the export cache (a letter
that carries them is rendered afresh and sent from memory), so one teacher's name can never
appear in another's PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from toolkit.exports.options import OptionError

MAX_CLASS_NAME = 60
MAX_TEACHER = 80
# The query-string names of the fields, shared by the export form, links back and the views.
FIELDS = ("lesson_date", "class_name", "teacher")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _clean(value: object, name: str, limit: int) -> str:
    """One line of plain text: spaces folded, control characters refused, length bounded."""
    text = " ".join(str(value or "").split())
    if any(not ch.isprintable() for ch in text):
        raise OptionError(f"The {name} holds characters that cannot be printed.")
    if len(text) > limit:
        raise OptionError(f"The {name} is longer than {limit} characters.")
    return text


def _date(value: object) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise OptionError(f"The lesson date {text[:20]!r} is not a date (YYYY-MM-DD).")
    return day


@dataclass(frozen=True)
class LetterDetails:
    lesson_date: dt.date | None = None
    class_name: str = ""
    teacher: str = ""

    def __bool__(self) -> bool:
        return bool(self.lesson_date or self.class_name or self.teacher)

    @classmethod
    def from_values(cls, values) -> LetterDetails:
        """Read the details from a mapping (query string, CLI); bad values raise OptionError."""
        return cls(
            lesson_date=_date(values.get("lesson_date")),
            class_name=_clean(values.get("class_name"), "class or year group", MAX_CLASS_NAME),
            teacher=_clean(values.get("teacher"), "teacher's name", MAX_TEACHER),
        )

    @property
    def lesson_day(self) -> str:
        """The lesson's date as a parent reads it: "Tuesday 8 December 2026"."""
        day = self.lesson_date
        return f"{day:%A} {day.day} {day:%B %Y}" if day else ""

    def as_query(self) -> dict[str, str]:
        """The details as query-string values for a link back to the export page."""
        values = {
            "lesson_date": self.lesson_date.isoformat() if self.lesson_date else "",
            "class_name": self.class_name,
            "teacher": self.teacher,
        }
        return {k: v for k, v in values.items() if v}


NO_LETTER_DETAILS = LetterDetails()
