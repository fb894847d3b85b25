"""Words shown to people for the content's codes (block kinds, audiences)."""

KIND_LABELS = {
    "safeguarding-note": "Safeguarding note",
    "ground-rules": "Ground rules",
    "starter": "Starter",
    "activity": "Activity",
    "discussion": "Discussion",
    "scenario": "Scenario cards",
    "worksheet": "Worksheet",
    "quiz": "Quiz",
    "plenary": "Plenary",
    "assessment": "Assessment",
    "differentiation": "Differentiation",
    "teacher-notes": "Teacher notes",
    "help-and-reporting": "Help and reporting",
    "parent-letter": "Letter home",
    "take-home": "Take-home sheet",
}
AUDIENCE_LABELS = {
    "teacher": "For the teacher",
    "pupil": "For pupils",
    "parent": "For parents and carers",
}
# In a session for adults the teacher's text is the presenter's.
SESSION_AUDIENCE_LABELS = {**AUDIENCE_LABELS, "teacher": "For the presenter"}
# Who a lesson is for (a lesson's own audience, not a block's).
LESSON_AUDIENCE_LABELS = {
    "pupils": "Lesson for pupils",
    "staff": "Session for staff",
    "parents": "Session for parents and carers",
}


def audience_label(block_audience: str, lesson_audience: str = "pupils") -> str:
    """Who a block is for, as shown in a lesson (pupils) or a session for adults."""
    labels = AUDIENCE_LABELS if lesson_audience == "pupils" else SESSION_AUDIENCE_LABELS
    return labels.get(block_audience, block_audience)


def band_label(band: str) -> str:
    """A band as a tag shows it: "Ages 11-14", or "All ages" for sessions about every age."""
    return "All ages" if band == "all" else f"Ages {band}"


class ForAudience:
    """What a lesson's view says of who it is for; the class defines `audience`."""

    audience: str

    @property
    def is_session(self) -> bool:
        return self.audience != "pupils"

    @property
    def audience_label(self) -> str:
        return LESSON_AUDIENCE_LABELS.get(self.audience, self.audience)
