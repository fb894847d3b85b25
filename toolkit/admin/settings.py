"""A school's settings and its logo, which is checked by content and re-encoded before storing."""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from toolkit.audit.services import record
from toolkit.auth.models import PAPER_SIZES, Organisation
from toolkit.content import repository
from toolkit.content.countrytext import DEFAULT_SAFEGUARDING_ROLE
from toolkit.content.models import Country
from toolkit.extensions import db
from toolkit.storage import Area, get_store
from toolkit.uploads import LOGO_NAME, MAX_LOGO_BYTES, strict_decoding

MAX_LOGO_SIDE = 4000
MAX_LOGO_PIXELS = 12_000_000
# A printed logo needs no more than this; larger ones are scaled down when stored.
STORED_LOGO_BOX = (1200, 600)
LOGO_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
NOT_AN_IMAGE = "That file is not a PNG, JPEG, GIF or WebP image (SVG is not accepted)."
DAMAGED_IMAGE = (
    "That image is damaged or incomplete (perhaps cut off while copying), or not a PNG, JPEG, "
    "GIF or WebP image. Open it, save it again and upload that copy."
)


class SettingsError(ValueError):
    """A setting or upload that cannot be accepted, with a message for the admin."""


@dataclass(frozen=True)
class SchoolSettings:
    name: str
    country: str
    country_name: str
    paper_size: str
    safeguarding_lead: str
    safeguarding_role: str  # as printed: the school's own title, else its country's usual one
    has_logo: bool


def school_settings(org: Organisation) -> SchoolSettings:
    names = dict(country_choices())
    return SchoolSettings(
        name=org.name,
        country=org.country,
        country_name=names.get(org.country, org.country),
        paper_size=org.paper_size,
        safeguarding_lead=org.safeguarding_lead,
        safeguarding_role=safeguarding_role(org),
        has_logo=has_logo(org),
    )


def safeguarding_role(org: Organisation) -> str:
    """The title of the school's child-protection lead: its own, else its country's usual one."""
    if org.safeguarding_role:
        return org.safeguarding_role
    usual = db.session.scalar(select(Country.safeguarding_role).where(Country.code == org.country))
    return usual or DEFAULT_SAFEGUARDING_ROLE


def country_choices() -> list[tuple[str, str]]:
    """Countries whose help routes the library holds."""
    return [(c.code, f"{c.name} ({c.code})") for c in repository.countries()]


def logo_name(org: Organisation) -> str | None:
    """The stored name of a school's logo, if it has one (generated names only)."""
    name = org.logo_filename
    return name if name and LOGO_NAME.match(name) else None


def logo_bytes(org: Organisation) -> bytes | None:
    """The stored logo of a school, for pages and printing."""
    name = logo_name(org)
    return get_store().get(Area.LOGOS, name) if name else None


def has_logo(org: Organisation) -> bool:
    name = logo_name(org)
    return name is not None and get_store().exists(Area.LOGOS, name)


def clean_logo(data: bytes) -> bytes:
    """Check an uploaded image by its content and return it re-encoded as a plain PNG."""
    if len(data) > MAX_LOGO_BYTES:
        raise SettingsError(f"The logo is larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as image:
                width, height = image.size
                if max(width, height) > MAX_LOGO_SIDE or width * height > MAX_LOGO_PIXELS:
                    raise SettingsError(
                        f"The logo is {width} x {height} pixels; the limit is "
                        f"{MAX_LOGO_SIDE} pixels a side. Make it smaller and try again."
                    )
                image.verify()
            with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as image:
                image.seek(0)  # the first frame of an animation
                image.load()  # every byte of it: a truncated file raises here
                rgba = image.convert("RGBA")
    except SettingsError:
        raise
    except UnidentifiedImageError:
        raise SettingsError(NOT_AN_IMAGE) from None
    except Exception:  # noqa: BLE001 (Pillow raises many kinds on hostile files; all mean "no")
        raise SettingsError(DAMAGED_IMAGE) from None
    rgba.thumbnail(STORED_LOGO_BOX)
    # Copy the pixels only: no metadata, chunks or trailing bytes of the upload survive. A
    # photo-like logo can grow as a PNG; shrink it until it fits the limit the printer accepts.
    while True:
        clean = Image.frombytes("RGBA", rgba.size, rgba.tobytes())
        out = io.BytesIO()
        clean.save(out, format="PNG", optimize=True)
        if out.tell() <= MAX_LOGO_BYTES or min(rgba.size) < 50:
            break
        rgba = rgba.resize((rgba.width * 3 // 4, rgba.height * 3 // 4))
    if out.tell() > MAX_LOGO_BYTES:
        raise SettingsError("That logo cannot be made small enough; try a simpler image.")
    return out.getvalue()


def store_logo(png: bytes) -> str:
    """Store a cleaned logo under a generated name (never in static/); return the name."""
    name = secrets.token_hex(16) + ".png"
    get_store().put(Area.LOGOS, name, png)
    return name


def remove_logo_file(name: str | None) -> None:
    if name and LOGO_NAME.match(name):
        get_store().delete(Area.LOGOS, [name])


def update_school(
    org: Organisation,
    *,
    name: str,
    country: str,
    paper_size: str,
    safeguarding_lead: str,
    safeguarding_role: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> list[str]:
    """Apply new settings (and logo), audit what changed and commit; return the changed fields."""
    name = name.strip()
    if not name:
        raise SettingsError("The school's name must not be empty.")
    known = {code for code, _ in country_choices()}
    if country not in known and country != org.country:
        raise SettingsError(f"There are no help routes for the country {country!r}.")
    if paper_size not in PAPER_SIZES:
        raise SettingsError("Choose A4 or US Letter.")
    new_logo = store_logo(clean_logo(logo)) if logo else None
    old_logo = org.logo_filename
    values = {
        "name": name,
        "country": country,
        "paper_size": paper_size,
        "safeguarding_lead": safeguarding_lead.strip(),
        "safeguarding_role": " ".join(safeguarding_role.split()),
    }
    changed = {k: v for k, v in values.items() if getattr(org, k) != v}
    for key, value in changed.items():
        setattr(org, key, value)
    fields = sorted(changed)
    if new_logo:
        org.logo_filename = new_logo
        fields.append("logo")
    elif remove_logo and old_logo:
        org.logo_filename = None
        fields.append("logo removed")
    if fields:
        record("school.settings", target=org.name, detail={"changed": fields, **changed})
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        remove_logo_file(new_logo)
        raise
    if old_logo and org.logo_filename != old_logo:
        remove_logo_file(old_logo)
    return fields


def create_school(name: str, country: str, paper_size: str = "a4") -> Organisation:
    """Add a school to the installation (the caller commits)."""
    name = name.strip()
    if not name:
        raise SettingsError("The school's name must not be empty.")
    country = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise SettingsError("The country is a two-letter ISO 3166 code, e.g. GB or US.")
    if paper_size not in PAPER_SIZES:
        raise SettingsError("The paper size is a4 or letter.")
    if db.session.scalars(select(Organisation).where(Organisation.name == name)).first():
        raise SettingsError(f"There is already a school called {name!r}.")
    org = Organisation(name=name, country=country, paper_size=paper_size)
    db.session.add(org)
    db.session.flush()
    record("school.create", target=name, detail={"country": country})
    return org
