"""Make, list, revoke and open share links. The token is the authority: it is shown once, kept
only as its SHA-256 hash, and opens one lesson for colleagues of the school it was made in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from toolkit.audit.services import record
from toolkit.content.access import can_read, lesson_by_slug
from toolkit.content.models import Lesson
from toolkit.extensions import db
from toolkit.sharing.models import ShareKind, ShareLink
from toolkit.timeutil import utcnow

TOKEN_BYTES = 32  # 256 random bits, as 43 URL-safe characters
MAX_TOKEN_LENGTH = 64  # longer is no token of ours: refused before hashing


class ShareError(ValueError):
    """A link that cannot be made (a lesson this user may not read, say)."""


@dataclass(frozen=True)
class NewLink:
    """A link just made: the only moment its token exists outside the creator's browser."""

    link: ShareLink
    token: str


@dataclass(frozen=True)
class Shared:
    """A link a colleague may open, and the lesson it shows (as it is now)."""

    link: ShareLink
    lesson: Lesson

    @property
    def kind(self) -> ShareKind:
        return ShareKind(self.link.kind)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored (a fast hash suffices: the token is 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def parse_kind(value: str | None) -> ShareKind:
    try:
        return ShareKind(value or ShareKind.LESSON)
    except ValueError:
        raise ShareError("Choose what to share: the lesson or its slides.") from None


def create_link(user, lesson: Lesson, kind: ShareKind) -> NewLink:
    """Make a link to a lesson this user may read, for their school; audit it (not the token)."""
    if not can_read(user, lesson):
        raise ShareError("You can share only lessons you can open.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink(
        token_hash=token_hash(token),
        lesson_id=lesson.id,
        version_number=lesson.current_version.number,
        kind=kind,
        creator_id=user.id,
        organisation_id=user.organisation_id,
    )
    db.session.add(link)
    db.session.flush()
    detail = {"link": link.id, "kind": str(kind), "version": link.version_number}
    record("share.create", lesson.slug, detail, actor=user)
    return NewLink(link, token)


def links_of(user) -> list[ShareLink]:
    """The links this user made, newest first, with their lessons."""
    return list(
        db.session.scalars(
            select(ShareLink)
            .where(ShareLink.creator_id == user.id)
            .options(selectinload(ShareLink.lesson).selectinload(Lesson.current_version))
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )


def own_link(user, link_id: int) -> ShareLink | None:
    """One of this user's links (None for anyone else's: the view answers 404)."""
    link = db.session.get(ShareLink, link_id)
    return link if link is not None and link.creator_id == user.id else None


def revoke(user, link: ShareLink) -> bool:
    """Revoke a link of this user's; False when it already was (nothing changes)."""
    if link.creator_id != user.id:
        raise ShareError("Only the teacher who made a link can revoke it.")
    if link.revoked:
        return False
    link.revoked_at = utcnow()
    record("share.revoke", link.lesson.slug, {"link": link.id, "kind": link.kind}, actor=user)
    return True


def open_link(user, token: str) -> Shared | None:
    """What a token shows this user, or None (a single answer for every refusal: unknown,
    revoked, another school, a creator who left or may no longer read the lesson)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalars(
        select(ShareLink)
        .where(ShareLink.token_hash == token_hash(token))
        .options(selectinload(ShareLink.creator), selectinload(ShareLink.lesson))
    ).first()
    if link is None or link.revoked or user.organisation_id != link.organisation_id:
        return None
    creator = link.creator
    if not creator.active or creator.organisation_id != link.organisation_id:
        return None
    lesson = lesson_by_slug(link.lesson.slug)
    if lesson is None or not can_read(creator, lesson):
        return None
    return Shared(link, lesson)


def count_opening(user, shared: Shared) -> None:
    """Count a colleague opening the link (the creator's own look is not counted)."""
    if user.id != shared.link.creator_id:
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.id == shared.link.id)
            .values(opened=ShareLink.opened + 1)
        )
