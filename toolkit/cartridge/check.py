"""The structural check of a cartridge, written from the Common Cartridge 1.1 and 1.3 specs.

The IMS schemas are not vendored (see the README, "Common Cartridge"): this checks what they
and the profile's Schematron rules say of the parts the toolkit writes, and what no schema
can: that the zip and the manifest agree. Each problem says where it is (file, element).
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from lxml import etree

from toolkit.cartridge.manifest import MANIFEST
from toolkit.cartridge.profiles import (
    INSTRUCTOR,
    LEARNER,
    MENTOR,
    SCHEMA,
    WEBCONTENT,
    XSI,
    ProfileSpec,
    profile_spec,
    spec_for_namespace,
)

MAX_MANIFEST = 5 * 1024 * 1024  # far more than any manifest of ours; refuse before parsing
MAX_WEBLINK = 64 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.element}" if self.element else self.file
        return f"{where}: {self.message}"


@dataclass
class _Check:
    spec: ProfileSpec
    archive: zipfile.ZipFile
    problems: list[Problem]

    def add(self, element: str, message: str, file: str = MANIFEST) -> None:
        self.problems.append(Problem(file, element, message))

    def q(self, tag: str) -> str:
        return f"{{{self.spec.cp}}}{tag}"


def _where(element: etree._Element) -> str:
    """An element named as a reader finds it: its tag and identifier (or href), and its line."""
    tag = etree.QName(element).localname
    for name in ("identifier", "href"):
        if element.get(name):
            return f"{tag}[@{name}='{element.get(name)}'] (line {element.sourceline})"
    return f"{tag} (line {element.sourceline})"


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _open(source: str | Path | bytes) -> zipfile.ZipFile:
    if isinstance(source, bytes):
        return zipfile.ZipFile(io.BytesIO(source))
    return zipfile.ZipFile(source)


def listing(source: str | Path | bytes) -> list[tuple[str, int]]:
    """Each file of a cartridge with its size (bytes), in the zip's order."""
    with _open(source) as archive:
        return [(info.filename, info.file_size) for info in archive.infolist()]


def check_cartridge(source: str | Path | bytes, profile: str | None = None) -> list[Problem]:
    """Every problem of a cartridge (a path or its bytes); an empty list when it is sound.

    Without `profile`, the profile is the one the manifest's namespace names.
    """
    try:
        archive = _open(source)
    except (zipfile.BadZipFile, OSError) as error:
        return [
            Problem(
                str(source)[:80] if not isinstance(source, bytes) else "(bytes)",
                "",
                f"not a zip file: {error}",
            )
        ]
    with archive:
        return _check_archive(archive, profile)


def _check_archive(archive: zipfile.ZipFile, profile: str | None) -> list[Problem]:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    if MANIFEST not in names:
        return [Problem(MANIFEST, "", "missing: a cartridge has imsmanifest.xml at its root")]
    if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST:
        return [Problem(MANIFEST, "", "too large to be a manifest")]
    try:
        root = _parse(archive.read(MANIFEST))
    except etree.XMLSyntaxError as error:
        return [Problem(MANIFEST, "", f"not well-formed XML: {error}")]
    found = spec_for_namespace(etree.QName(root).namespace or "")
    spec = profile_spec(profile) if profile else found
    if spec is None:
        return [
            Problem(MANIFEST, "manifest", f"not a Common Cartridge 1.1 or 1.3 manifest: {root.tag}")
        ]
    check = _Check(spec, archive, [])
    if root.tag != check.q("manifest"):
        check.add(
            "manifest",
            f"the root is {root.tag}, expected {check.q('manifest')} "
            f"(Common Cartridge {spec.profile})",
        )
        return check.problems
    _check_order(check, root, ("metadata", "organizations", "resources"))
    for resource in root.iter(check.q("resource")):
        _check_order(
            check, resource, ("metadata", "file", "dependency"), repeat=("file", "dependency")
        )
    _check_header(check, root)
    _check_identifiers(check, root)
    resources = {r.get("identifier"): r for r in root.iter(check.q("resource"))}
    _check_organization(check, root, resources)
    named = _check_resources(check, resources)
    _check_files(check, names, named)
    return check.problems


def _check_order(check: _Check, parent, order: tuple[str, ...], repeat=()) -> None:
    """The schema's sequence: these children in this order, each once unless it repeats."""
    tags = [etree.QName(child).localname for child in parent if isinstance(child.tag, str)]
    ranks = [order.index(tag) if tag in order else -1 for tag in tags]
    if -1 in ranks:
        check.add(_where(parent), f"holds {tags[ranks.index(-1)]!r}, not one of {list(order)}")
    elif ranks != sorted(ranks) or any(
        tags.count(tag) > 1 for tag in set(tags) if tag not in repeat
    ):
        check.add(_where(parent), f"holds {tags}, expected the order {list(order)}")
    if parent.tag == check.q("manifest") and "resources" not in tags:
        check.add("manifest", "has no resources")


def _check_header(check: _Check, root) -> None:
    """The manifest's identifier, schemaLocation, schema, version and LOM title and language."""
    spec = check.spec
    if not root.get("identifier"):
        check.add("manifest", "has no identifier")
    locations = (root.get(f"{{{XSI}}}schemaLocation") or "").split()
    pairs = dict(zip(locations[::2], locations[1::2], strict=False))
    if pairs.get(spec.cp) != spec.cp_xsd:
        check.add("manifest", f"xsi:schemaLocation does not map {spec.cp} to {spec.cp_xsd}")
    metadata = root.find(check.q("metadata"))
    if metadata is None:
        check.add("manifest", "has no metadata")
        return
    expected = {"schema": SCHEMA, "schemaversion": spec.schemaversion}
    for tag, value in expected.items():
        found = metadata.findtext(check.q(tag))
        if found != value:
            check.add(f"metadata/{tag}", f"is {found!r}, expected {value!r}")
    lom = f"{{{spec.lom_manifest}}}"
    title = metadata.findtext(f"{lom}lom/{lom}general/{lom}title/{lom}string")
    if not (title or "").strip():
        check.add("metadata/lom", "has no general/title/string (the cartridge's title)")
    if not metadata.findtext(f"{lom}lom/{lom}general/{lom}language"):
        check.add("metadata/lom", "has no general/language")


def _check_identifiers(check: _Check, root) -> None:
    counts = Counter(e.get("identifier") for e in root.iter() if e.get("identifier"))
    for identifier, times in counts.items():
        if times > 1:
            check.add(
                f"*[@identifier='{identifier}']", f"identifier used {times} times (must be unique)"
            )
    for element in root.iter():
        identifier = element.get("identifier")
        if identifier and not _is_ncname(identifier):
            check.add(_where(element), "identifier is not an XML ID (a letter first, no spaces)")


def _is_ncname(value: str) -> bool:
    first = value[0]
    return (first.isalpha() or first == "_") and all(c.isalnum() or c in "._-" for c in value)


def _check_organization(check: _Check, root, resources: dict) -> None:
    """One rooted hierarchy: an untitled top item, titled items below, references resolve."""
    organizations = root.find(check.q("organizations"))
    found = [] if organizations is None else organizations.findall(check.q("organization"))
    if len(found) > 1:
        check.add("organizations", "holds more than one organization (the profile allows one)")
    for organization in found:
        if organization.get("structure") != "rooted-hierarchy":
            check.add(_where(organization), "structure must be rooted-hierarchy")
        tops = organization.findall(check.q("item"))
        if len(tops) != 1:
            check.add(_where(organization), f"has {len(tops)} top items, the profile wants one")
        for top in tops:
            if top.find(check.q("title")) is not None or top.get("identifierref"):
                check.add(_where(top), "the root item has neither a title nor a resource")
            for item in top.iter(check.q("item")):
                if item is not top:
                    _check_item(check, item, resources)


def _check_item(check: _Check, item, resources: dict) -> None:
    if not (item.findtext(check.q("title")) or "").strip():
        check.add(_where(item), "has no title")
    ref = item.get("identifierref")
    if ref is None:
        return
    resource = resources.get(ref)
    if resource is None:
        check.add(_where(item), f"identifierref {ref!r} names no resource")
        return
    if item.find(check.q("item")) is not None:
        check.add(_where(item), "an item that opens a resource cannot hold other items")
    if resource.get("type") == WEBCONTENT and not resource.get("href"):
        check.add(_where(resource), "web content opened by an item needs an href")


def _check_resources(check: _Check, resources: dict) -> dict[str, str]:
    """Each resource by its type's rules; the files the manifest names (path -> resource)."""
    named: dict[str, str] = {}
    for identifier, resource in resources.items():
        kind = resource.get("type")
        files = [f.get("href") or "" for f in resource.findall(check.q("file"))]
        for href, times in Counter(files).items():
            if times > 1:
                check.add(_where(resource), f"names the file {href!r} {times} times")
        for dependency in resource.findall(check.q("dependency")):
            ref = dependency.get("identifierref")
            if ref not in resources:
                check.add(_where(resource), f"dependency {ref!r} names no resource")
        href = resource.get("href")
        if href and href not in files:
            check.add(_where(resource), f"href {href!r} is not one of its files")
        if kind == check.spec.weblink_type:
            _check_weblink_resource(check, resource, files)
        elif kind != WEBCONTENT:
            check.add(
                _where(resource),
                f"type {kind!r} is not one this toolkit writes "
                f"({WEBCONTENT}, {check.spec.weblink_type})",
            )
        _check_roles(check, resource)
        for path in files:
            named.setdefault(path, identifier)
    return named


def _check_weblink_resource(check: _Check, resource, files: list[str]) -> None:
    if len(files) != 1:
        check.add(_where(resource), f"a web link has exactly one file, not {len(files)}")
    if resource.get("href"):
        check.add(_where(resource), "a web link resource has no href")
    if resource.find(check.q("dependency")) is not None:
        check.add(_where(resource), "a web link resource has no dependency")
    for path in files:
        if path not in check.archive.namelist():
            continue  # said by _check_files
        if check.archive.getinfo(path).file_size > MAX_WEBLINK:
            check.add("webLink", "too large to be a web link", file=path)
            continue
        for message in weblink_problems(check.spec, check.archive.read(path)):
            check.add("webLink", message, file=path)


def weblink_problems(spec: ProfileSpec, data: bytes) -> list[str]:
    """What is wrong with a web link file of this profile (its schema: title, then url)."""
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    ns = f"{{{spec.weblink}}}"
    if root.tag != f"{ns}webLink":
        return [f"the root is {root.tag}, expected {ns}webLink"]
    own = [child for child in root if isinstance(child.tag, str) and child.tag.startswith(ns)]
    tags = [etree.QName(child).localname for child in own]
    if tags != ["title", "url"]:
        return [f"holds {tags}, expected a title then a url"]
    problems = []
    if not (own[0].text or "").strip():
        problems.append("the title is empty")
    href = own[1].get("href") or ""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        problems.append(f"the url {href!r} is not an http(s) address")
    return problems


def _check_roles(check: _Check, resource) -> None:
    lom = f"{{{check.spec.lom_resource}}}"
    for role in resource.iter(f"{lom}intendedEndUserRole"):
        source, value = role.findtext(f"{lom}source"), role.findtext(f"{lom}value")
        if source != check.spec.roles_source:
            check.add(
                _where(resource), f"role source {source!r}, expected {check.spec.roles_source!r}"
            )
        if value not in (INSTRUCTOR, LEARNER, MENTOR):
            check.add(_where(resource), f"role {value!r} is not Instructor, Learner or Mentor")


def _safe_path(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _check_files(check: _Check, names: list[str], named: dict[str, str]) -> None:
    """Every named file is in the zip; every file in the zip but the manifest is named."""
    present = set(names)
    for path, identifier in named.items():
        if not _safe_path(path):
            check.add(f"resource[@identifier='{identifier}']", f"file {path!r} leaves the package")
        elif path not in present:
            check.add(
                f"resource[@identifier='{identifier}']/file[@href='{path}']",
                "names a file that is not in the package",
            )
    for name in names:
        if not _safe_path(name):
            check.add("", "a zip entry that leaves the package", file=name)
        elif name != MANIFEST and name not in named:
            check.add("", "in the package but named by no resource", file=name)
