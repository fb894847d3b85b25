"""What a reader may choose when exporting: document, paper, variant and country."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.auth.models import PAPER_LABELS

DOCUMENTS = {
    "plan": "Teacher plan",
    "handout": "Pupil handout",
    "cards": "Scenario cards",
    "letter": "Letter home",
    "take-home": "Take-home sheet",
    "slides": "Slides",
    "pack": "Lesson pack",
}
# Every lesson and session has slides; they are a file of their own, never part of a pack.
SLIDES = "slides"
# The documents a pack holds, in the order they are printed.
PACK_DOCUMENTS = ("plan", "handout", "cards", "letter")
# A session for adults has no pupil documents: the presenter's plan and, for parents, the sheet
# they take home (docs/lesson-format.md, "Sessions for adults").
SESSION_DOCUMENTS = {"staff": ("plan",), "parents": ("plan", "take-home")}
SESSION_LABELS = {"plan": "Session plan", "pack": "Session pack"}
AUDIENCE_WORDS = {
    "pupils": "a lesson for pupils",
    "staff": "a session for staff",
    "parents": "a session for parents and carers",
}
PAPERS = PAPER_LABELS
VARIANTS = {
    "standard": "Standard",
    "large-print": "Large print",
    "dyslexia": "Dyslexia-friendly",
}


YES = ("yes", "1", "true", "on")
NO = ("no", "0", "false", "off")


class OptionError(ValueError):
    """An export option that is not one of the known values."""


class DocumentError(OptionError):
    """A document the lesson does not have (a pupil handout of a session for staff, say)."""


def lesson_documents(audience: str) -> tuple[str, ...]:
    """The documents a lesson for this audience has, in the order a pack prints them."""
    return SESSION_DOCUMENTS.get(audience, PACK_DOCUMENTS)


def document_label(kind: str, audience: str = "pupils") -> str:
    """A document's name for a lesson of this audience ("Session plan" in a session)."""
    if audience in SESSION_DOCUMENTS:
        return SESSION_LABELS.get(kind, DOCUMENTS[kind])
    return DOCUMENTS[kind]


def check_document(title: str, audience: str, document: str) -> None:
    """Refuse a document the lesson does not have, saying which ones it has."""
    offered = lesson_documents(audience)
    if document in ("pack", SLIDES) or document in offered:
        return
    has = ", ".join(document_label(kind, audience).lower() for kind in offered)
    why = " (a sheet for a session for parents)" if document == "take-home" else ""
    raise DocumentError(
        f"\u201c{title}\u201d is {AUDIENCE_WORDS.get(audience, audience)}: it has no "
        f"{DOCUMENTS[document].lower()}{why}. Its documents: {has}."
    )


@dataclass(frozen=True)
class ExportOptions:
    document: str = "plan"
    paper: str = "a4"
    variant: str = "standard"
    country: str = "GB"
    # Packs: a blank left-hand page where needed, so that each document starts on a right-hand
    # page and double-sided printing never backs one document onto another.
    new_sheet: bool = True

    def __post_init__(self):
        checks = (
            ("document", self.document, DOCUMENTS),
            ("paper", self.paper, PAPERS),
            ("variant", self.variant, VARIANTS),
        )
        if isinstance(self.new_sheet, str):  # from a stored job's options
            object.__setattr__(self, "new_sheet", self.new_sheet.lower() in YES)
        for name, value, allowed in checks:
            if value not in allowed:
                raise OptionError(f"Unknown {name} {value!r}: choose one of {', '.join(allowed)}.")

    @classmethod
    def from_values(
        cls, values, default_paper: str, default_country: str, countries
    ) -> ExportOptions:
        """Read options from a mapping (query string, form, CLI); unknown values raise."""
        country = (values.get("country") or default_country or "GB").strip().upper()
        if country not in countries:
            raise OptionError(
                f"Unknown country {country!r}: the toolkit has help routes for "
                f"{', '.join(sorted(countries))}."
            )
        sheet = str(values.get("new_sheet") or "yes").strip().lower()
        if sheet not in YES + NO:
            raise OptionError(f"Unknown new_sheet {sheet!r}: choose yes or no.")
        return cls(
            document=(values.get("document") or "plan").strip(),
            paper=(values.get("paper") or default_paper or "a4").strip().lower(),
            variant=(values.get("variant") or "standard").strip(),
            country=country,
            new_sheet=sheet in YES,
        )

    def with_document(self, document: str) -> ExportOptions:
        return ExportOptions(document, self.paper, self.variant, self.country, self.new_sheet)

    def as_dict(self) -> dict[str, str]:
        return {
            "document": self.document,
            "paper": self.paper,
            "variant": self.variant,
            "country": self.country,
            "new_sheet": "yes" if self.new_sheet else "no",
        }
