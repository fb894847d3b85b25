"""Cartridge tests use the export tests' small library and signed-in teacher."""

from __future__ import annotations

from tests.exports.conftest import library, teacher  # noqa: F401 (fixtures)
