"""Slugs: the stable, URL-safe ids of lessons and blocks."""

import re


def slugify(text: str, max_length: int = 100, fallback: str = "lesson") -> str:
    """Keep letters, digits and single hyphens: 'Photos & consent!' -> 'photos-consent'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:max_length].strip("-") or fallback
