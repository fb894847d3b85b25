"""Write the database's library back to files in the lessons/ format."""

from __future__ import annotations

from pathlib import Path

import yaml

from toolkit.content import repository
from toolkit.content.documents import BlockDoc, LessonDoc
from toolkit.content.library import lesson_folder


class _Dumper(yaml.SafeDumper):
    """Write multi-line strings as literal blocks so dumped files stay readable."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def block_heading(block: BlockDoc, minutes: int, used: bool, band_ages: tuple[int, int]) -> str:
    if used:
        extra = f" minutes={minutes}" if minutes != block.minutes else ""
        return f"## {block.title} {{use={block.slug}{extra}}}"
    attrs = [f"#{block.slug}", f"kind={block.kind}", f"audience={block.audience}"]
    if minutes:
        attrs.append(f"minutes={minutes}")
    if (block.min_age, block.max_age) != band_ages:
        attrs.append(f"ages={block.min_age}-{block.max_age}")
    return f"## {block.title} {{{' '.join(attrs)}}}"


def lesson_text(doc: LessonDoc, band_ages: tuple[int, int]) -> str:
    front = {
        "slug": doc.slug,
        "title": doc.title,
        "band": doc.band,
        "audience": doc.audience,
        "minutes": doc.minutes,
        "topics": doc.topics,
        "strands": doc.strands,
        "summary": doc.summary,
        "objectives": doc.objectives,
        "vocabulary": doc.vocabulary,
    }
    if not doc.is_session:
        del front["audience"]  # the default: pupil lessons' files stay as they were written
    parts = ["---", to_yaml(front).rstrip(), "---", ""]
    for item in doc.items:
        parts.append(block_heading(item.block, item.minutes, item.used, band_ages))
        parts.append("")
        if not item.used:
            parts.extend([item.block.body, ""])
    return "\n".join(parts)


def shared_block_text(block: BlockDoc) -> str:
    front = {
        "slug": block.slug,
        "title": block.title,
        "kind": block.kind,
        "audience": block.audience,
        "min_age": block.min_age,
        "max_age": block.max_age,
        "minutes": block.minutes,
        "topics": block.topics,
    }
    return "\n".join(["---", to_yaml(front).rstrip(), "---", "", block.body, ""])


def country_data(country) -> dict:
    data = {
        "country": country.code,
        "name": country.name,
        "language": country.language,
        "safeguarding_role": country.safeguarding_role or None,
        "safeguarding_role_source": country.safeguarding_role_source,
        "emergency": {
            "number": country.emergency_number,
            "note": country.emergency_note,
            "source": country.emergency_source,
            "checked": country.emergency_checked,
        },
        "routes": [],
    }
    if not country.emergency_note:
        del data["emergency"]["note"]
    data = {k: v for k, v in data.items() if v is not None}
    for route in country.routes:
        entry = {
            "id": route.slug,
            "name": route.name,
            "role": route.role,
            "purpose": route.purpose,
            "audience": route.audience,
            "min_age": route.min_age,
            "max_age": route.max_age,
            "serves_parents": route.serves_parents or None,
            "phone": route.phone,
            "web": route.web,
            "hours": route.hours,
            "cost": route.cost,
            "anonymous": route.anonymous,
            "source": route.source,
            "checked": route.checked,
            "evidence": route.evidence or None,
        }
        data["routes"].append({k: v for k, v in entry.items() if v is not None})
    return data


def dump_library(target: Path) -> int:
    """Write every current library file under target; return how many files were written."""
    target = Path(target)
    written = 0

    def write(rel: str, text: str) -> None:
        nonlocal written
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written += 1

    bands = repository.bands()
    write(
        "reference/age-bands.yaml",
        to_yaml(
            [
                {
                    "slug": b.slug,
                    "name": b.name,
                    "min_age": b.min_age,
                    "max_age": b.max_age,
                    "period_minutes": b.period_minutes,
                }
                for b in bands
            ]
        ),
    )
    write(
        "reference/topics.yaml",
        to_yaml(
            [
                {"slug": t.slug, "name": t.name, "description": t.description}
                for t in repository.topics()
            ]
        ),
    )
    write(
        "reference/strands.yaml",
        to_yaml([{"slug": s.slug, "name": s.name} for s in repository.strands()]),
    )
    for country in repository.countries():
        write(f"helplines/{country.code.lower()}.yaml", to_yaml(country_data(country)))
    for block in repository.shared_blocks():
        doc = repository.block_doc(block.current_version, block.slug, shared=True)
        write(f"blocks/{block.slug}.md", shared_block_text(doc))
    ages = {b.slug: (b.min_age, b.max_age) for b in repository.bands(all_ages=True)}
    for lesson in repository.library_lessons():
        doc = repository.lesson_doc(lesson)
        write(f"{lesson_folder(doc)}/{doc.slug}.md", lesson_text(doc, ages[doc.band]))
    return written
