"""Merge separately rendered tagged PDFs into one tagged PDF with bookmarks and page numbers.

pypdf copies pages but not the structure tree (the tags that make a PDF accessible), so this
module carries each part's tree over: every part becomes a <Part> under one <Document>, with the
parent-tree keys renumbered so that they stay unique. Page numbers ("page X of Y") are rendered
by WeasyPrint as a stamp PDF, turned into form XObjects and laid over each page as pagination
artifacts, which assistive technology skips.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


@dataclass(frozen=True)
class Part:
    pdf: bytes
    title: str  # the bookmark over the part's own bookmarks ("" keeps them at the top level)


def _name(value: str) -> NameObject:
    return NameObject(value)


def merge_tagged(parts: list[Part], stamp: bytes | None, title: str, lang: str = "en") -> bytes:
    """Merge parts in order; lay the stamp's pages over the merged pages when given."""
    writer = PdfWriter()
    document = DictionaryObject(
        {
            _name("/Type"): _name("/StructElem"),
            _name("/S"): _name("/Document"),
            _name("/K"): ArrayObject(),
        }
    )
    document_ref = writer._add_object(document)
    nums = ArrayObject()
    tree = DictionaryObject(
        {
            _name("/Type"): _name("/StructTreeRoot"),
            _name("/K"): document_ref,
            _name("/ParentTree"): DictionaryObject({_name("/Nums"): nums}),
        }
    )
    tree_ref = writer._add_object(tree)
    document[_name("/P")] = tree_ref
    offset = 0
    metadata = None
    for part in parts:
        reader = PdfReader(BytesIO(part.pdf))
        first = len(writer.pages)
        for page in reader.pages:
            added = writer.add_page(page)
            if "/StructParents" in page:
                added[_name("/StructParents")] = NumberObject(page["/StructParents"] + offset)
        root = reader.trailer["/Root"]
        if metadata is None and "/Metadata" in root:
            metadata = root.raw_get("/Metadata").clone(writer)
        if "/StructTreeRoot" in root:
            offset = _graft_tree(writer, root, document, document_ref, nums, offset, first)
        _bookmarks(writer, reader, part.title, first)
    if stamp is not None:
        _stamp(writer, stamp)
    catalog = writer._root_object
    catalog[_name("/StructTreeRoot")] = tree_ref
    catalog[_name("/MarkInfo")] = DictionaryObject({_name("/Marked"): BooleanObject(True)})
    catalog[_name("/Lang")] = TextStringObject(lang)
    catalog[_name("/ViewerPreferences")] = DictionaryObject(
        {_name("/DisplayDocTitle"): BooleanObject(True)}
    )
    if metadata is not None:
        catalog[_name("/Metadata")] = metadata
    catalog[_name("/PageMode")] = _name("/UseOutlines")
    writer.add_metadata({"/Title": title, "/Producer": "Online-safety lesson toolkit (WeasyPrint)"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _graft_tree(writer, root, document, document_ref, nums, offset: int, first: int) -> int:
    """Copy a part's structure tree under the merged <Document>; return the next key offset."""
    tree = root.raw_get("/StructTreeRoot").clone(writer).get_object()
    kids = tree["/K"] if isinstance(tree["/K"], ArrayObject) else ArrayObject([tree.raw_get("/K")])
    for kid_ref in kids:
        kid = kid_ref.get_object()
        if kid.get("/S") == "/Document":
            kid[_name("/S")] = _name("/Part")
        kid[_name("/P")] = document_ref
        document["/K"].append(kid_ref)
    part_nums = tree["/ParentTree"]["/Nums"] if "/ParentTree" in tree else ArrayObject()
    top = -1
    for i in range(0, len(part_nums), 2):
        key = int(part_nums[i])
        nums.append(NumberObject(key + offset))
        nums.append(part_nums.raw_get(i + 1) if hasattr(part_nums, "raw_get") else part_nums[i + 1])
        top = max(top, key)
    for page in writer.pages[first:]:
        for annotation in page.get("/Annots", None) or []:
            annotation = annotation.get_object()
            if "/StructParent" in annotation:
                annotation[_name("/StructParent")] = NumberObject(
                    annotation["/StructParent"] + offset
                )
    return offset + top + 1


def _bookmarks(writer, reader, title: str, first: int) -> None:
    """Add the part's bookmarks, under a bookmark of its own when it has a title."""
    parent = None
    if title:
        parent = writer.add_outline_item(title=title, page_number=first)
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}

    def walk(items, under) -> None:
        last = under
        for item in items:
            if isinstance(item, list):
                walk(item, last)
                continue
            index = page_index.get(getattr(item.page, "idnum", None), 0)
            last = writer.add_outline_item(
                title=str(item.title), page_number=first + index, parent=under
            )

    walk(reader.outline, parent)


def _stamp(writer, stamp: bytes) -> None:
    """Lay each stamp page over the page of the same number, as a pagination artifact."""
    stamp_reader = PdfReader(BytesIO(stamp))
    for number, (page, stamp_page) in enumerate(
        zip(writer.pages, stamp_reader.pages, strict=False)
    ):
        form = DecodedStreamObject()
        form.set_data(stamp_page.get_contents().get_data())
        form.update(
            {
                _name("/Type"): _name("/XObject"),
                _name("/Subtype"): _name("/Form"),
                _name("/BBox"): stamp_page.mediabox,
                # Resources are cloned once per source object, so every form shares the font.
                _name("/Resources"): stamp_page.raw_get("/Resources").clone(writer),
            }
        )
        form_ref = writer._add_object(form.flate_encode())
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[_name("/Resources")] = resources
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
        resources[_name("/XObject")] = xobjects
        name = f"/PageNumber{number}"
        xobjects[_name(name)] = form_ref
        overlay = DecodedStreamObject()
        overlay.set_data(f"/Artifact <</Type /Pagination>> BDC q {name} Do Q EMC".encode())
        contents = page.get_contents()
        combined = ArrayObject()
        if contents is not None:
            combined.append(writer._add_object(_wrapped(contents.get_data())))
        combined.append(writer._add_object(overlay.flate_encode()))
        page[_name("/Contents")] = combined


def _wrapped(data: bytes) -> DecodedStreamObject:
    """The page's own content inside q/Q, so its graphics state cannot leak into the overlay."""
    stream = DecodedStreamObject()
    stream.set_data(b"q\n" + data + b"\nQ\n")
    return stream.flate_encode()
