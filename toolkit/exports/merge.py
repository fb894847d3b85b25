"""Merge separately rendered tagged PDFs into one tagged PDF with bookmarks.

The merge runs in qpdf (through pikepdf), which copies each part's pages together with its
structure tree (the tags that make a PDF accessible): every part's <Document> becomes a <Part>
under one <Document>, with the parent-tree keys renumbered so that they stay unique. Consecutive
parts with the same title share one bookmark over theirs (a lesson over its documents). A caller
may draw on the merged pages before it is written (footers and page numbers, exports/stamp.py).
The result is written with compressed object streams, so the many small structure elements cost
little space.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


@dataclass(frozen=True)
class Part:
    pdf: bytes
    title: str  # the bookmark over the part's own (shared with the parts before it of that title)
    blank_before: bool = False  # a blank page first, so that the part starts on a right-hand page


def _target(item: OutlineItem, index: dict) -> tuple[int, list]:
    """The 0-based page an outline item points at, and the view after the page in its dest."""
    dest = item.destination
    if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
        dest = item.action.get("/D")
    if isinstance(dest, Array) and len(dest) > 0:
        page = dest[0]
        number = index.get(page.objgen, 0) if isinstance(page, Dictionary) else int(page)
        return number, list(dest)[1:]
    return 0, []


def merge_tagged(
    parts: list[Part], title: str, lang: str = "en", before_save: Callable | None = None
) -> bytes:
    """Merge parts in order; `before_save(pdf)` may draw on the merged pages."""
    out = pikepdf.new()
    nums = Array()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree = out.make_indirect(
        Dictionary(Type=Name.StructTreeRoot, K=document, ParentTree=Dictionary(Nums=nums))
    )
    document.P = tree
    sources = []  # qpdf copies stream data when it writes: the parts stay open until then
    bookmarks: list[OutlineItem] = []
    group: OutlineItem | None = None
    offset = 0
    version = "1.7"
    try:
        for part in parts:
            source = pikepdf.open(BytesIO(part.pdf))
            sources.append(source)
            version = max(version, source.pdf_version)
            if part.blank_before:
                box = source.pages[0].mediabox
                out.add_blank_page(page_size=(float(box[2]), float(box[3])))
            first = len(out.pages)
            out.pages.extend(source.pages)
            root = source.Root
            if "/Metadata" in root and "/Metadata" not in out.Root:
                out.Root.Metadata = out.copy_foreign(root.Metadata)
            if "/StructTreeRoot" in root:
                offset = _graft_tree(out, root.StructTreeRoot, document, nums, offset, first)
            items = _bookmarks(out, source, first)
            if not part.title:
                group = None
                bookmarks.extend(items)
            else:
                if group is None or group.title != part.title:
                    target = Array([out.pages[first].obj, Name.Fit])
                    group = OutlineItem(part.title, destination=target)
                    bookmarks.append(group)
                group.children.extend(items)
        if before_save is not None:
            before_save(out)
        with out.open_outline() as merged:
            merged.root.extend(bookmarks)
        catalog = out.Root
        catalog.StructTreeRoot = tree
        catalog.MarkInfo = Dictionary(Marked=True)
        catalog.Lang = pikepdf.String(lang)
        catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        catalog.PageMode = Name.UseOutlines
        out.docinfo[Name.Title] = title
        out.docinfo[Name.Producer] = "Online-safety lesson toolkit (WeasyPrint, qpdf)"
        buffer = BytesIO()
        out.save(
            buffer,
            min_version=version,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            compress_streams=True,
            fix_metadata_version=False,
            deterministic_id=True,
        )
        return buffer.getvalue()
    finally:
        out.close()
        for source in sources:
            source.close()


def _graft_tree(out, part_tree, document, nums: Array, offset: int, first: int) -> int:
    """Copy a part's structure tree under the merged <Document>; return the next key offset.

    The part's pages were copied first, so qpdf points the copied tree's /Pg and object
    references at the merged pages (one copy per object of each part).
    """
    tree = out.copy_foreign(part_tree)
    kids = tree.K if isinstance(tree.K, Array) else Array([tree.K])
    for kid in kids:
        if kid.get("/S") == "/Document":
            kid.S = Name.Part
        kid.P = document
        document.K.append(kid)
    part_nums = tree.ParentTree.get("/Nums", Array()) if "/ParentTree" in tree else Array()
    top = -1
    for i in range(0, len(part_nums), 2):
        key = int(part_nums[i])
        nums.append(key + offset)
        nums.append(part_nums[i + 1])
        top = max(top, key)
    for number in range(first, len(out.pages)):
        page = out.pages[number]
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", None) or []:
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    return offset + top + 1


def _bookmarks(out, source, first: int) -> list[OutlineItem]:
    """The part's bookmarks pointing at the merged pages."""
    index = {page.obj.objgen: i for i, page in enumerate(source.pages)}

    def copy(item: OutlineItem) -> OutlineItem:
        page, view = _target(item, index)
        target = out.pages[first + page].obj
        copied = OutlineItem(str(item.title), destination=Array([target, *(view or [Name.Fit])]))
        copied.children.extend(copy(kid) for kid in item.children)
        return copied

    with source.open_outline() as tree:
        return [copy(item) for item in tree.root]
