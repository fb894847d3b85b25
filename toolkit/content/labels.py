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
}
AUDIENCE_LABELS = {
    "teacher": "For the teacher",
    "pupil": "For pupils",
    "parent": "For parents and carers",
}
