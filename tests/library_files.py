"""Build small lesson libraries on disk for tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT

LESSON_TEMPLATE = """---
slug: {slug}
title: {title}
band: "{band}"
minutes: {minutes}
topics: [{topics}]
strands: [online-relationships]
summary: A short lesson used by the test suite to exercise the library.
objectives:
  - Pupils will be able to name an adult they trust.
  - Pupils will be able to say how to report something that worries them.
vocabulary:
  - term: Consent
    definition: Saying yes freely, and knowing you can change your mind.
---

## Safeguarding note {{#{slug}-safeguarding kind=safeguarding-note audience=teacher}}

Tell your {{safeguarding-role}} before teaching. Some pupils may have lived this.
If a pupil tells you something, listen, do not promise secrecy and follow your school's policy.

## Ground rules {{use={ground_rules}}}

## Starter {{#{slug}-starter kind=starter audience=pupil minutes={starter}}}

{starter_text}

```slide Who could you talk to?
{symbol}Think of the adults you could talk to.
```

## Main activity {{#{slug}-activity kind=activity audience=teacher minutes={activity}}}

```slide What could Sam do?
{symbol}Listen to the story of Sam. What could Sam do next?
```

Read the story of Sam, a fictional pupil, with the class. Ask what Sam could do next.

## Getting help {{use={help}}}
"""


def lesson_text(
    slug: str,
    band: str = "11-14",
    minutes: int = 45,
    title: str | None = None,
    topics: str = "reporting-and-help",
    starter_text: str = "Think of the adults you could talk to if something online felt wrong.",
) -> str:
    shared = "11-18" if band in ("11-14", "14-18") else band
    ground_minutes = {"4-7": 2, "7-11": 3}.get(band, 3)
    starter = 5
    return LESSON_TEMPLATE.format(
        slug=slug,
        title=title or f"Test lesson {slug}",
        band=band,
        minutes=minutes,
        topics=topics,
        ground_rules=f"ground-rules-{shared}",
        help=f"help-and-reporting-{shared}",
        starter=starter,
        activity=minutes - starter - ground_minutes,
        starter_text=starter_text,
        symbol="[symbol: grown-up]\n\n" if band == "4-7" else "",  # pictures for ages 4-7
    )


def make_library(root: Path, lessons: dict[str, str] | None = None, countries=("gb",)) -> Path:
    """Copy the real reference data and shared blocks to root, then write the given lessons."""
    for folder in ("reference", "blocks"):
        shutil.copytree(ROOT / "lessons" / folder, root / folder)
    (root / "helplines").mkdir()
    for code in countries:
        shutil.copy(ROOT / "lessons" / "helplines" / f"{code}.yaml", root / "helplines")
    for band in ("4-7", "7-11", "11-14", "14-18"):
        (root / band).mkdir()
    for rel, text in (lessons or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


SESSION_TEMPLATE = """---
slug: {slug}
title: {title}
band: "{band}"
audience: {audience}
minutes: 30
topics: [reporting-and-help]
strands: [online-relationships]
summary: A short session for adults used by the test suite to exercise the library.
objectives:
  - {objective} say what to do when a child tells them something worrying online.
  - Participants will be able to name the routes for help in their country.
---

## Safeguarding note {{#{slug}-safeguarding kind=safeguarding-note audience=teacher}}

Share this plan with the {{safeguarding-role}} first. Some adults in the room may have lived
this. If someone tells you about a child, tell the {{safeguarding-role}} immediately; never
promise secrecy.

## Welcome {{#{slug}-welcome kind=starter audience=teacher minutes=5}}

```slide Welcome
What this session is for, and what to do when a child tells you something.
```

Say what the session is for, and that nobody will be asked about their own family.

## The steps {{#{slug}-steps kind=activity audience=teacher minutes=20}}

```slide What could Jana do?
Jana is a parent in a story. What could she do next?
```

Read the story of Jana, a fictional parent, and ask what she could do next. {extra}

## Close {{#{slug}-close kind=plenary audience=teacher minutes=5}}

```slide One step to remember
Which step will you remember?
```

Ask each adult to name one step they will remember.

## Help {{#{slug}-help kind=help-and-reporting audience=teacher}}

Advice for adults: {{route:parent-line}}.
Adults whose images were shared: {{route:adult-image-abuse}}.
{take_home}"""
TAKE_HOME = """
## For home {{#{slug}-sheet kind=take-home audience=parent}}

Stay calm, thank your child for telling you, and never blame them.
"""


def session_text(
    slug: str,
    audience: str = "parents",
    band: str = "all",
    title: str | None = None,
    take_home: bool | None = None,
    objective: str = "Participants will be able to",
    extra: str = "",
) -> str:
    """A valid session for adults (a take-home sheet for parents, unless told otherwise)."""
    if take_home is None:
        take_home = audience == "parents"
    return SESSION_TEMPLATE.format(
        slug=slug,
        title=title or f"Test session {slug}",
        band=band,
        audience=audience,
        objective=objective,
        extra=extra,
        take_home=TAKE_HOME.format(slug=slug) if take_home else "",
    )
