"""The two Common Cartridge profiles offered: their namespaces, schemas and vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Profile(StrEnum):
    """A Common Cartridge version: 1.1 is the one Moodle's restore detects, 1.3 for Canvas."""

    CC_1_1 = "1.1"
    CC_1_3 = "1.3"


@dataclass(frozen=True)
class ProfileSpec:
    """Everything that differs between the profiles' manifests and web link files."""

    profile: Profile
    schemaversion: str
    cp: str  # the manifest's (content packaging) namespace
    lom_manifest: str
    lom_resource: str
    weblink: str
    cp_xsd: str
    lom_manifest_xsd: str
    lom_resource_xsd: str
    weblink_xsd: str
    weblink_type: str
    roles_source: str  # the vocabulary of intendedEndUserRole in resource metadata
    mimetype: str
    label: str

    @property
    def schema_locations(self) -> str:
        """The manifest's xsi:schemaLocation: each namespace followed by its schema."""
        pairs = (
            (self.cp, self.cp_xsd),
            (self.lom_manifest, self.lom_manifest_xsd),
            (self.lom_resource, self.lom_resource_xsd),
        )
        return " ".join(f"{namespace} {xsd}" for namespace, xsd in pairs)


_IMS = "http://www.imsglobal.org"
_LTSC = "http://ltsc.ieee.org/xsd"
SCHEMA = "IMS Common Cartridge"
WEBCONTENT = "webcontent"
INSTRUCTOR, LEARNER, MENTOR = "Instructor", "Learner", "Mentor"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _spec(profile: Profile, number: str, label: str, roles: str) -> ProfileSpec:
    v = f"v1p{number}"
    return ProfileSpec(
        profile=profile,
        schemaversion=f"1.{number}.0",
        cp=f"{_IMS}/xsd/imscc{v}/imscp_v1p1",
        lom_manifest=f"{_LTSC}/imscc{v}/LOM/manifest",
        lom_resource=f"{_LTSC}/imscc{v}/LOM/resource",
        weblink=f"{_IMS}/xsd/imscc{v}/imswl_{v}",
        cp_xsd=f"{_IMS}/profile/cc/cc{v}/cc{v}_imscp_v1p2_v1p0.xsd",
        lom_manifest_xsd=f"{_IMS}/profile/cc/cc{v}/LOM/cc{v}_lommanifest_v1p0.xsd",
        lom_resource_xsd=f"{_IMS}/profile/cc/cc{v}/LOM/cc{v}_lomresource_v1p0.xsd",
        weblink_xsd=f"{_IMS}/profile/cc/cc{v}/cc{v}_imswl_{v}.xsd",
        weblink_type=f"imswl_xml{v}",
        roles_source=roles,
        mimetype=f"application/vnd.ims.imscc{v}",
        label=label,
    )


SPECS = {
    Profile.CC_1_1: _spec(
        Profile.CC_1_1, "1", "For Moodle (Common Cartridge 1.1)", "IMSGLC_CC_Rolesv1p1"
    ),
    Profile.CC_1_3: _spec(
        Profile.CC_1_3, "3", "For Canvas and others (Common Cartridge 1.3)", "IMSGLC_CC_Rolesv1p3"
    ),
}


class ProfileError(ValueError):
    """A profile that is not one of those offered."""


def profile_spec(value: str | None) -> ProfileSpec:
    """The profile named by a request or the CLI ("1.1" or "1.3"); unknown values raise."""
    try:
        return SPECS[Profile((value or "").strip())]
    except ValueError:
        raise ProfileError(
            f"Unknown Common Cartridge profile {value!r}: choose one of {', '.join(SPECS)}."
        ) from None


def spec_for_namespace(namespace: str) -> ProfileSpec | None:
    """The profile whose manifest namespace this is (None for any other)."""
    return next((spec for spec in SPECS.values() if spec.cp == namespace), None)
