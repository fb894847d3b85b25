"""The editor page and the conflict page as plain data for the templates."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user

from toolkit.auth.models import User
from toolkit.builder import services
from toolkit.builder.diffing import side_by_side, version_lines
from toolkit.builder.state import REQUIRED_KINDS, LessonState, state_of
from toolkit.content import repository
from toolkit.content.labels import KIND_LABELS, ForAudience, audience_label
from toolkit.content.lint import lint_lesson
from toolkit.content.models import AgeBand, BlockVersion, Lesson, LessonVersion
from toolkit.content.schema import BLOCK_KINDS
from toolkit.extensions import db


@dataclass
class EditorItem:
    index: int
    block_version_id: int
    slug: str
    title: str
    library_title: str
    kind: str
    kind_label: str
    audience_label: str
    minutes: int
    body: str
    rewritten: bool
    required: bool
    shared: bool
    age_override_reason: str | None
    findings: list = field(default_factory=list)


@dataclass
class EditorPage(ForAudience):
    slug: str
    version: int
    title: str
    band: str
    period: int
    used: int
    summary: str
    objectives: str
    visibility: str
    visibilities: dict
    status: str
    items: list[EditorItem]
    lesson_findings: list
    error_count: int
    draft_saved_at: object = None
    restoring_draft: bool = False
    upstream: object = None
    adapted_from: str = ""
    picker: list = field(default_factory=list)
    picker_query: object = None
    kinds: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    audience: str = "pupils"

    @property
    def time_status(self) -> str:
        if self.used > self.period:
            return f"{self.used - self.period} minutes over the {self.period}-minute period"
        if self.used < self.period:
            return f"{self.period - self.used} minutes left to fill"
        return "Fits the period exactly"

    @property
    def time_class(self) -> str:
        return (
            "over" if self.used > self.period else ("under" if self.used < self.period else "exact")
        )


def editor_page(lesson: Lesson, args, draft=None, restore: bool = False) -> EditorPage:
    """Build the editor's data: the lesson (or the restored draft), checks, picker, upstream."""
    state = state_of(lesson.current_version)
    restoring = restore and draft is not None
    if restoring:
        services.apply_text_edits(state, draft.data, strict=False)
    page = build_page(lesson, state, args, draft, restore)
    if restoring:
        # Saving a draft typed on an older version goes through the conflict page.
        page.version = draft.base_version
    return page


def build_page(lesson: Lesson, state: LessonState, args, draft, restore: bool) -> EditorPage:
    doc = services.editor_doc(lesson, state)
    findings = lint_lesson(doc, repository.helpline_numbers())
    by_slug: dict[str, list] = {}
    lesson_level = []
    for finding in findings:
        (by_slug.setdefault(finding.block_slug, []) if finding.block_slug else lesson_level).append(
            finding
        )
    items = []
    for index, (item, item_doc) in enumerate(zip(state.items, doc.items, strict=True)):
        version = db.session.get(BlockVersion, item.block_version_id)
        items.append(
            EditorItem(
                index=index,
                block_version_id=version.id,
                slug=version.block.slug,
                title=item_doc.block.title,
                library_title=version.title,
                kind=version.kind,
                kind_label=KIND_LABELS.get(version.kind, version.kind),
                audience_label=audience_label(version.audience, state.audience),
                minutes=item.minutes,
                body=item_doc.block.body,
                rewritten=item.override_body is not None,
                required=version.kind in REQUIRED_KINDS,
                shared=version.block.shared,
                age_override_reason=item.age_override_reason,
                findings=by_slug.get(version.block.slug, []),
            )
        )
    band = db.session.get(AgeBand, state.band)
    query = services.PickerQuery(
        q=(args.get("bq") or "")[:100],
        kind=args.get("bkind") if args.get("bkind") in BLOCK_KINDS else "",
        topic=(args.get("btopic") or "")[:100],
        all_ages=args.get("ball") == "1",
    )
    adapted_from = ""
    if lesson.adapted_from_version_id:
        source = db.session.get(LessonVersion, lesson.adapted_from_version_id)
        adapted_from = f"{source.lesson.slug} (library version {source.number})"
    return EditorPage(
        slug=lesson.slug,
        version=lesson.current_version.number,
        title=state.title,
        band=state.band,
        period=state.minutes,
        used=state.used_minutes,
        summary=state.summary,
        objectives="\n".join(state.objectives),
        visibility=lesson.visibility,
        visibilities=services.VISIBILITIES,
        status=lesson.status,
        items=items,
        lesson_findings=[f for f in lesson_level if not f.waived],
        error_count=sum(1 for f in findings if f.severity == "error" and not f.waived),
        draft_saved_at=draft.saved_at if draft is not None else None,
        restoring_draft=restore and draft is not None,
        upstream=services.upstream_notice(lesson),
        adapted_from=adapted_from,
        picker=services.pick_blocks(band, query, audience=state.audience),
        picker_query=query,
        kinds=[(k, KIND_LABELS.get(k, k)) for k in BLOCK_KINDS],
        topics=[(t.slug, t.name) for t in repository.topics()],
        audience=state.audience,
    )


@dataclass
class ConflictPage:
    slug: str
    base: int
    current: int
    saved_by: str
    saved_at: object
    theirs: object  # diff of what changed since the version this edit started from
    fields: list  # (label, name, value) of what this user typed, kept to copy or re-save
    raw: dict


def conflict_page(lesson: Lesson, base: int, form) -> ConflictPage:
    current = lesson.current_version
    base_version = next((v for v in services.versions_of(lesson) if v.number == base), None)
    author = db.session.get(User, current.created_by_id) if current.created_by_id else None
    labels = {"title": "Lesson title", "summary": "Summary", "objectives": "Objectives"}
    fields = [(labels[k], k, form.get(k, "")) for k in labels if form.get(k)]
    bodies = sorted(
        (n, key) for key in form if (n := services.field_number(key, "body-")) is not None
    )
    for n, key in bodies:
        title = form.get(f"title-{n}") or f"Block {n + 1}"
        fields.append((title, key, form.get(key, "")))
    before = version_lines(base_version) if base_version else []
    return ConflictPage(
        slug=lesson.slug,
        base=base,
        current=current.number,
        saved_by=author.name
        if author and author.id != current_user.id
        else "you (in another window)",
        saved_at=current.created_at,
        theirs=side_by_side(before, version_lines(current)),
        fields=fields,
        raw={k: v for k, v in form.items() if k not in ("csrf_token", "version", "action")},
    )
