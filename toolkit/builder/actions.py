"""The editor's action buttons (`save`, `up:2`, `remove:3`, `add:some-block`, `reorder`), parsed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from toolkit.inputs import whole_number

MAX_POSITION = 10_000  # far more blocks than a lesson holds


class Verb(StrEnum):
    SAVE = "save"
    UP = "up"
    DOWN = "down"
    REMOVE = "remove"
    ADD = "add"
    REORDER = "reorder"


POSITIONAL = (Verb.UP, Verb.DOWN, Verb.REMOVE)


@dataclass(frozen=True)
class EditorAction:
    verb: Verb
    position: int = 0  # up, down, remove: the block's position in the lesson
    block: str = ""  # add: the library block's slug

    @classmethod
    def parse(cls, text: str) -> EditorAction | None:
        """The action a button sends, or None when it is not one the editor has."""
        name, colon, argument = text.partition(":")
        try:
            verb = Verb(name)
        except ValueError:
            return None
        if verb in POSITIONAL:
            position = whole_number(argument, 0, MAX_POSITION)
            return None if position is None else cls(verb, position=position)
        if verb is Verb.ADD:
            block = argument.strip()
            return cls(verb, block=block) if block else None
        return None if colon else cls(verb)
