"""The lesson library in the database: reference data, and blocks and lessons with versions."""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from toolkit.extensions import db
from toolkit.timeutil import utcnow


class AgeBand(db.Model):
    __tablename__ = "age_band"

    slug: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    min_age: Mapped[int]
    max_age: Mapped[int]
    period_minutes: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)


class Topic(db.Model):
    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Strand(db.Model):
    __tablename__ = "strand"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)


class Country(db.Model):
    """A country's help and reporting routes, printed on every document for that country."""

    __tablename__ = "country"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="")
    emergency_number: Mapped[str] = mapped_column(String(30))
    emergency_note: Mapped[str] = mapped_column(String(300), default="")
    emergency_source: Mapped[str] = mapped_column(String(500))
    emergency_checked: Mapped[dt.date]
    # The usual title of a school's child-protection lead in this country ("" means the default).
    safeguarding_role: Mapped[str] = mapped_column(String(80), default="")
    safeguarding_role_source: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))

    routes: Mapped[list[HelpRoute]] = relationship(
        back_populates="country",
        order_by="HelpRoute.position",
        cascade="all, delete-orphan",
    )


class HelpRoute(db.Model):
    __tablename__ = "help_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("country.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(300))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    serves_parents: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(30))
    web: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[str | None] = mapped_column(String(200))
    cost: Mapped[str | None] = mapped_column(String(100))
    anonymous: Mapped[bool | None]
    source: Mapped[str] = mapped_column(String(500))
    checked: Mapped[dt.date]
    evidence: Mapped[str] = mapped_column(Text, default="")

    country: Mapped[Country] = relationship(back_populates="routes")


class Block(db.Model):
    """A reusable piece of a lesson with a stable identity; its text lives in versions."""

    __tablename__ = "block"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    shared: Mapped[bool] = mapped_column(default=False)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("block_version.id", use_alter=True)
    )

    current_version: Mapped[BlockVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class BlockVersion(db.Model):
    """One immutable text of a block: printed copies stay reproducible."""

    __tablename__ = "block_version"
    __table_args__ = (UniqueConstraint("block_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    audience: Mapped[str] = mapped_column(String(10), index=True)
    minutes: Mapped[int] = mapped_column(default=0)
    min_age: Mapped[int]
    max_age: Mapped[int]
    topics: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    block: Mapped[Block] = relationship(foreign_keys=[block_id])


lesson_version_topic = Table(
    "lesson_version_topic",
    db.metadata,
    Column("lesson_version_id", ForeignKey("lesson_version.id"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True, index=True),
)

lesson_version_strand = Table(
    "lesson_version_strand",
    db.metadata,
    Column("lesson_version_id", ForeignKey("lesson_version.id"), primary_key=True),
    Column("strand_id", ForeignKey("strand.id"), primary_key=True, index=True),
)


class Lesson(db.Model):
    """A lesson's stable identity: a library lesson, or a teacher's own or adapted lesson."""

    __tablename__ = "lesson"
    # A unique index, not a constraint: SQLite adds it without rebuilding the table.
    __table_args__ = (
        Index("uq_lesson_owner_id_creation_key", "owner_id", "creation_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    # library: part of the reviewed library; own: a teacher's lesson (adapted or from scratch).
    origin: Mapped[str] = mapped_column(String(10), default="library", index=True)
    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    visibility: Mapped[str] = mapped_column(String(10), default="library")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    adapted_from_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_version.id", use_alter=True)
    )
    retired: Mapped[bool] = mapped_column(default=False, index=True)
    # The one-time key of the form that made this own lesson (Adapt, Duplicate): the same form
    # sent twice, by a double click or a retry, finds this lesson instead of making another.
    creation_key: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_version.id", use_alter=True)
    )

    current_version: Mapped[LessonVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class LessonVersion(db.Model):
    __tablename__ = "lesson_version"
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    band: Mapped[str] = mapped_column(ForeignKey("age_band.slug"), index=True)
    # pupils (a class lesson), or staff or parents (a session for adults).
    audience: Mapped[str] = mapped_column(
        String(10), default="pupils", server_default="pupils", index=True
    )
    minutes: Mapped[int] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    vocabulary: Mapped[list] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    lesson: Mapped[Lesson] = relationship(foreign_keys=[lesson_id])
    items: Mapped[list[LessonItem]] = relationship(
        back_populates="lesson_version",
        order_by="LessonItem.position",
        cascade="all, delete-orphan",
    )
    topics: Mapped[list[Topic]] = relationship(
        secondary=lesson_version_topic, order_by="Topic.position"
    )
    strands: Mapped[list[Strand]] = relationship(
        secondary=lesson_version_strand, order_by="Strand.position"
    )


class LessonItem(db.Model):
    """A block in a lesson version: pinned to one block version, optionally rewritten locally."""

    __tablename__ = "lesson_item"
    __table_args__ = (UniqueConstraint("lesson_version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_version_id: Mapped[int] = mapped_column(ForeignKey("lesson_version.id"), index=True)
    position: Mapped[int]
    block_version_id: Mapped[int] = mapped_column(ForeignKey("block_version.id"), index=True)
    minutes: Mapped[int] = mapped_column(default=0)
    # A shared block used with use= in the files (written back the same way by the dump).
    used: Mapped[bool] = mapped_column(default=False)
    override_title: Mapped[str | None] = mapped_column(String(200))
    override_body: Mapped[str | None] = mapped_column(Text)
    age_override_reason: Mapped[str | None] = mapped_column(String(300))

    lesson_version: Mapped[LessonVersion] = relationship(back_populates="items")
    block_version: Mapped[BlockVersion] = relationship()
