"""Benchmark: filtered library search with 1,000 lessons and 10,000 blocks loaded.

    .venv/bin/python bench/search_library.py [--database-url URL] [--repeat 50]

Generates a synthetic library (deterministic: seeded), loads it with the real loader into a fresh
database (a temporary SQLite file by default), then times search_lessons() for typical queries and
prints the median and 95th percentile per query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from toolkit import create_app
from toolkit.content.documents import BlockDoc, LessonDoc, LessonItemDoc
from toolkit.content.library import read_library
from toolkit.content.loader import load_library
from toolkit.extensions import db
from toolkit.library.services import LibraryQuery, search_lessons

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "consent photo share trust adult report block privacy settings stream camera pressure gift "
    "friend online message image remove help worried secret surprise safe body private feelings "
    "group chat account password location screenshot story character choice respect kind brave "
    "tell listen support school home parent carer teacher question answer card scenario group"
).split()
KINDS = ["starter", "activity", "discussion", "scenario", "worksheet", "plenary", "assessment"]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def synthetic_lessons(reference, count: int, blocks_per_lesson: int, seed: int = 7):
    rng = random.Random(seed)
    bands = [b.slug for b in reference.bands]
    topics = [t.slug for t in reference.topics]
    strands = [s.slug for s in reference.strands]
    ages = {b.slug: (b.min_age, b.max_age) for b in reference.bands}
    lessons = {}
    for n in range(count):
        band = bands[n % len(bands)]
        slug = f"bench-{n:04d}-{band}"
        minutes = rng.choice([30, 45, 55, 60])
        items = []
        per_block = minutes // blocks_per_lesson
        for b in range(blocks_per_lesson):
            block_minutes = per_block + (minutes - per_block * blocks_per_lesson if b == 0 else 0)
            body = "\n\n".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 5)))
            block = BlockDoc(
                slug=f"{slug}-b{b}",
                title=sentence(rng, 3).rstrip("."),
                kind=rng.choice(KINDS),
                audience=rng.choice(["teacher", "pupil", "parent"]),
                body=body,
                minutes=block_minutes,
                min_age=ages[band][0],
                max_age=ages[band][1],
            )
            items.append(LessonItemDoc(block=block, minutes=block_minutes))
        lessons[slug] = LessonDoc(
            slug=slug,
            title=sentence(rng, 5).rstrip("."),
            band=band,
            minutes=minutes,
            topics=rng.sample(topics, 2),
            strands=rng.sample(strands, 2),
            summary=sentence(rng, 20),
            objectives=[f"Pupils will be able to {sentence(rng, 8).lower()}" for _ in range(3)],
            vocabulary=[],
            items=items,
        )
    return lessons


QUERIES = {
    "band only": {"band": "11-14"},
    "topic + band": {"topic": "privacy", "band": "7-11"},
    "text search": {"q": "consent"},
    "text + band + duration": {"q": "report block", "band": "14-18", "duration": "long"},
    "text + strand + audience": {
        "q": "trust",
        "strand": "online-relationships",
        "audience": "parent",
    },
    "prefix search, page 3": {"q": "scree", "page": "3"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--lessons", type=int, default=1000)
    parser.add_argument("--blocks-per-lesson", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    app = create_app({"ENV": "testing", "SECRET_KEY": "b" * 40, "DATABASE_URL": url})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        library = read_library(ROOT / "lessons")
        library.lessons = synthetic_lessons(library, args.lessons, args.blocks_per_lesson)
        library.shared_blocks = {}
        started = time.perf_counter()
        load_library(library)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # what autovacuum does soon after a bulk load
                conn.execute(text("ANALYZE"))
        print(
            f"loaded {len(library.lessons)} lessons, {len(library.blocks)} blocks "
            f"in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})"
        )
        bands = {b.slug for b in library.bands}
        topics = {t.slug for t in library.topics}
        strands = {s.slug for s in library.strands}
        print(f"{'query':<28} {'results':>7} {'median ms':>10} {'p95 ms':>8}")
        for name, params in QUERIES.items():
            query = LibraryQuery.from_args(params, bands, topics, strands)
            timings = []
            for _ in range(args.repeat):
                db.session.expunge_all()
                started = time.perf_counter()
                page = search_lessons(query)
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"{name:<28} {page.total:>7} {statistics.median(timings):>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
