"""A small lesson with every kind of printed block, for the export tests."""

from __future__ import annotations

from pathlib import Path

from tests.library_files import lesson_text, make_library

FULL_LESSON = """---
slug: {slug}
title: {title}
band: "11-14"
minutes: 45
topics: [reporting-and-help]
strands: [online-relationships]
summary: Pupils learn how to get help when something online worries them.
objectives:
  - Pupils will be able to name an adult they trust.
  - Pupils will be able to say how to report something that worries them.
vocabulary:
  - term: Report
    definition: Telling a service or an adult about something that is wrong, so they can help.
---

## Safeguarding note {{#{slug}-safeguarding kind=safeguarding-note audience=teacher}}

Tell your designated safeguarding lead before teaching. Some pupils may have lived this.
If a pupil tells you something, listen, do not promise secrecy and follow your school's policy.

## Ground rules {{use=ground-rules-11-18 minutes=3}}

## Starter {{#{slug}-starter kind=starter audience=teacher minutes=7}}

```slide Who could you talk to?
Think of an adult you could talk to.
```

TEACHERONLY: ask the class who they could talk to. {body_extra}

## Cards {{#{slug}-cards kind=scenario audience=pupil}}

### Mo's message

Mo, a fictional pupil, gets a message from someone he does not know. What could he do?

### Ada's photo

Ada, a fictional pupil, sees a photo of a friend shared without asking. Who could she tell?

## Worksheet {{#{slug}-worksheet kind=worksheet audience=pupil}}

Write the name of an adult you trust.

[lines: 3]

## Main activity {{#{slug}-activity kind=activity audience=teacher minutes=30}}

```slide In your group
Read your card. What could the person do next?
```

[cards: 1-2]

Groups discuss the cards. Ask what Mo and Ada could do next.

## Plenary {{#{slug}-plenary kind=plenary audience=pupil minutes=5}}

```slide One way to get help
Share one way to get help.
```

Share one way to get help.

## Getting help {{use=help-and-reporting-11-18}}

## Letter home {{#{slug}-letter kind=parent-letter audience=parent}}

In the coming lesson, your child will learn how to get help when something online worries them.
Ask them who they would talk to.
"""


def full_lesson(slug: str = "getting-help-11-14", title: str = "Getting help", extra: str = ""):
    return FULL_LESSON.format(slug=slug, title=title, body_extra=extra)


def load(runner, root: Path, lessons: dict[str, str]) -> None:
    """Write a library with these lessons (path -> text) and load it."""
    make_library(root, lessons)
    result = runner.invoke(args=["content", "load", str(root)])
    assert result.exit_code == 0, result.output


def standard_library(runner, root: Path, **extra_lessons: str) -> None:
    lessons = {"11-14/getting-help-11-14.md": full_lesson()}
    lessons["11-14/second-lesson-11-14.md"] = lesson_text("second-lesson-11-14")
    lessons.update(extra_lessons)
    load(runner, root, lessons)


def make_own_lesson(app, owner_id: int, slug: str, source: str = "getting-help-11-14") -> None:
    """A teacher's adapted copy of a library lesson (origin 'own', private), with one rewrite."""
    from sqlalchemy import select

    from toolkit.auth.models import User
    from toolkit.content.models import Lesson, LessonItem, LessonVersion
    from toolkit.extensions import db

    with app.app_context():
        original = db.session.scalars(select(Lesson).where(Lesson.slug == source)).one()
        version = original.current_version
        owner = db.session.get(User, owner_id)
        lesson = Lesson(
            slug=slug,
            origin="own",
            status="draft",
            visibility="private",
            owner_id=owner.id,
            organisation_id=owner.organisation_id,
            adapted_from_version_id=version.id,
        )
        db.session.add(lesson)
        db.session.flush()
        copy = LessonVersion(
            lesson_id=lesson.id,
            number=1,
            title=version.title + " (adapted)",
            band=version.band,
            minutes=version.minutes,
            summary=version.summary,
            objectives=version.objectives,
            vocabulary=version.vocabulary,
            content_hash="own",
        )
        for item in version.items:
            copy.items.append(
                LessonItem(
                    position=item.position,
                    block_version_id=item.block_version_id,
                    minutes=item.minutes,
                    override_body="ADAPTED BY TEACHER" if item.position == 0 else None,
                )
            )
        db.session.add(copy)
        db.session.flush()
        lesson.current_version_id = copy.id
        db.session.commit()
