"""The cartridge's XML: imsmanifest.xml and the web link files, built with lxml.

One organisation, rooted at an untitled item (the profile requires it), with one module per
lesson: its page, the documents pupils may open, the slides, a "For the teacher" folder and a
"Help routes" folder of web links. Teacher-only resources also carry the Instructor role in
their metadata, which both profiles define, so that a platform that honours it hides them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import count

from lxml import etree

from toolkit.cartridge.content import LessonContent, PackageFile, WebLink
from toolkit.cartridge.profiles import INSTRUCTOR, SCHEMA, WEBCONTENT, XSI, ProfileSpec

MANIFEST = "imsmanifest.xml"
TEACHER_FOLDER = "For the teacher"
LINKS_FOLDER = "Help routes"


@dataclass(frozen=True)
class CartridgeInfo:
    title: str
    language: str
    version: str  # what the LOM's lifeCycle/version says (the lessons' versions)
    description: str


@dataclass
class _Builder:
    spec: ProfileSpec
    resources: etree._Element
    numbers: Iterator[int] = field(default_factory=lambda: count(1))
    link_files: dict[str, bytes] = field(default_factory=dict)

    def cp(self, parent, tag: str, **attributes) -> etree._Element:
        return etree.SubElement(parent, f"{{{self.spec.cp}}}{tag}", **attributes)

    def ident(self, prefix: str) -> str:
        return f"{prefix}{next(self.numbers):04d}"


def _lom(parent, namespace: str, path: Sequence[str], text: str | None = None, **attrs):
    """Add nested LOM elements (reusing none) and set the last one's text and attributes."""
    element = parent
    for tag in path:
        element = etree.SubElement(element, f"{{{namespace}}}{tag}")
    for name, value in attrs.items():
        element.set(name, value)
    if text is not None:
        element.text = text
    return element


def _metadata(builder: _Builder, manifest, info: CartridgeInfo) -> None:
    spec = builder.spec
    metadata = builder.cp(manifest, "metadata")
    builder.cp(metadata, "schema").text = SCHEMA
    builder.cp(metadata, "schemaversion").text = spec.schemaversion
    lom = _lom(metadata, spec.lom_manifest, ["lom"])
    general = _lom(lom, spec.lom_manifest, ["general"])
    _lom(general, spec.lom_manifest, ["title", "string"], info.title, language=info.language)
    _lom(general, spec.lom_manifest, ["language"], info.language)
    _lom(
        general,
        spec.lom_manifest,
        ["description", "string"],
        info.description,
        language=info.language,
    )
    lifecycle = _lom(lom, spec.lom_manifest, ["lifeCycle"])
    _lom(lifecycle, spec.lom_manifest, ["version", "string"], info.version, language=info.language)


def _file_resource(builder: _Builder, made: PackageFile) -> str:
    identifier = builder.ident("RES")
    resource = builder.cp(
        builder.resources, "resource", identifier=identifier, type=WEBCONTENT, href=made.path
    )
    if made.teacher_only:
        metadata = builder.cp(resource, "metadata")
        role = _lom(
            metadata, builder.spec.lom_resource, ["lom", "educational", "intendedEndUserRole"]
        )
        _lom(role, builder.spec.lom_resource, ["source"], builder.spec.roles_source)
        _lom(role, builder.spec.lom_resource, ["value"], INSTRUCTOR)
    builder.cp(resource, "file", href=made.path)
    return identifier


def weblink_xml(spec: ProfileSpec, link: WebLink) -> bytes:
    """A web link file of this profile: its title and its address."""
    root = etree.Element(f"{{{spec.weblink}}}webLink", nsmap={None: spec.weblink, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{spec.weblink} {spec.weblink_xsd}")
    etree.SubElement(root, f"{{{spec.weblink}}}title").text = link.title
    etree.SubElement(root, f"{{{spec.weblink}}}url", href=link.url, target="_blank")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _link_resource(builder: _Builder, slug: str, number: int, link: WebLink) -> str:
    identifier = builder.ident("WL")
    path = f"{slug}/links/{number}-{hashlib.sha256(link.url.encode()).hexdigest()[:8]}.xml"
    resource = builder.cp(
        builder.resources, "resource", identifier=identifier, type=builder.spec.weblink_type
    )
    builder.cp(resource, "file", href=path)
    builder.link_files[path] = weblink_xml(builder.spec, link)
    return identifier


def _item(builder: _Builder, parent, title: str, ref: str | None = None):
    attributes = {"identifier": builder.ident("ITEM")}
    if ref:
        attributes["identifierref"] = ref
    item = builder.cp(parent, "item", **attributes)
    builder.cp(item, "title").text = title
    return item


def _module(builder: _Builder, root_item, lesson: LessonContent) -> None:
    module = _item(builder, root_item, lesson.title)
    for made in (lesson.page, *lesson.shared):
        _item(builder, module, made.title, _file_resource(builder, made))
    folder = _item(builder, module, TEACHER_FOLDER)
    for made in lesson.teacher:
        _item(builder, folder, made.title, _file_resource(builder, made))
    if lesson.links:
        links = _item(builder, module, LINKS_FOLDER)
        for number, link in enumerate(lesson.links, start=1):
            _item(builder, links, link.title, _link_resource(builder, lesson.slug, number, link))


def build_manifest(
    spec: ProfileSpec, info: CartridgeInfo, lessons: Sequence[LessonContent], identifier: str
) -> tuple[bytes, dict[str, bytes]]:
    """The manifest and the web link files it names (path -> bytes)."""
    nsmap = {None: spec.cp, "lomimscc": spec.lom_manifest, "lom": spec.lom_resource, "xsi": XSI}
    manifest = etree.Element(f"{{{spec.cp}}}manifest", nsmap=nsmap, identifier=identifier)
    manifest.set(f"{{{XSI}}}schemaLocation", spec.schema_locations)
    resources = etree.Element(f"{{{spec.cp}}}resources")
    builder = _Builder(spec, resources)
    _metadata(builder, manifest, info)
    organizations = builder.cp(manifest, "organizations")
    organization = builder.cp(
        organizations, "organization", identifier="ORG0001", structure="rooted-hierarchy"
    )
    root_item = builder.cp(organization, "item", identifier="ROOT0001")
    for lesson in lessons:
        _module(builder, root_item, lesson)
    manifest.append(resources)
    data = etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, builder.link_files
