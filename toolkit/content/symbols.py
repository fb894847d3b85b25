"""Pictures for pupils who cannot read yet: the vendored symbol set and the `[symbol: name]` line.

The symbols are OpenMoji's black-and-white outlines (CC BY-SA 4.0), copied unchanged into
`static/symbols/` with their licence; `symbols.toml` there names each one and gives its alt text.
A lesson writer puts a line of only `[symbol: camera]` in a pupil block or a scenario card.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYMBOL_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "symbols"
# Printed in the small print of every document that carries a symbol (the licence asks for it).
ATTRIBUTION = "Pictures: OpenMoji (openmoji.org), licence CC BY-SA 4.0."
MAX_NAME = 40


@dataclass(frozen=True)
class Symbol:
    name: str
    alt: str
    path: Path


@cache
def symbols() -> dict[str, Symbol]:
    """Every known symbol by name, read from static/symbols/symbols.toml."""
    table = tomllib.loads((SYMBOL_DIR / "symbols.toml").read_text(encoding="utf-8"))
    return {
        name: Symbol(name, entry["alt"], SYMBOL_DIR / f"{name}.svg")
        for name, entry in sorted(table.items())
    }


def symbol_name(line: str) -> str | None:
    """The name in a line of only `[symbol: name]`, or None for any other line.

    Plain string handling (no pattern): lesson text may be long and hostile.
    """
    text = line.strip()
    if not (text.startswith("[symbol:") and text.endswith("]")):
        return None
    name = text[len("[symbol:") : -1].strip()
    return name if 0 < len(name) <= MAX_NAME else None


def unknown_symbol_message(name: str) -> str:
    return f'unknown symbol "{name}"; known: {", ".join(symbols())}'
