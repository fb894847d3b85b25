"""Benchmark: this project's PDF pipeline against headless Chromium, side by side, in one run.

    .venv/bin/python bench/exports.py [--pack 30] [--repeat 3]

Loads the real lesson library into a temporary SQLite database, then times:

- one teacher plan, cold (nothing kept; render workers already started): wall time and the CPU
  time of every process involved, and again from its kept body (a new day: only the stamp);
- a unit pack of N lessons, cold (no body kept), new with its lessons warm (bodies kept, the
  pack itself not: only the cover is rendered, then merge and stamp), and kept (a cache hit),

with this project's pipeline (WeasyPrint in worker processes, bodies kept, stamped, merged) and
with Chromium (Playwright driving Debian's /usr/bin/chromium, browser already running, tagged PDF
with an outline) printing the same print HTML with the same stylesheets and fonts. Prints medians,
ratios and PDF sizes, and WeasyPrint's own floor.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

import pikepdf
from flask_migrate import upgrade
from weasyprint import CSS, HTML

from toolkit import create_app
from toolkit.auth.services import default_organisation
from toolkit.content import repository
from toolkit.content.access import lesson_by_slug
from toolkit.exports import services
from toolkit.exports.fetcher import asset_files, font_face_css
from toolkit.exports.options import ExportOptions
from toolkit.exports.render import Engine, Rendered, RenderJob, get_pool, stylesheet_names
from toolkit.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# The floor: the same text with no classes, one font, no running headers, untagged.
PLAIN_CSS = "@page { size: A4; margin: 20mm 16mm } body { font: 11pt/1.4 'DejaVu Sans' }"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def cpu_seconds(pids) -> float:
    """User and system CPU time used so far by these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def chromium_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if "chromium" in (entry / "comm").read_text():
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median wall time of `repeat` calls (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def chromium_folder(work: Path) -> Path:
    """The print stylesheets and fonts as files Chromium can load next to the HTML."""
    folder = work / "chromium"
    (folder / "fonts").mkdir(parents=True, exist_ok=True)
    for name, path in asset_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)  # fonts/, symbols/
        shutil.copyfile(path, folder / name)
    (folder / "fonts.css").write_text(font_face_css(""))
    return folder


def chromium_html(html: str, sheets: list[str]) -> str:
    links = "".join(f'<link rel="stylesheet" href="{name}">' for name in sheets)
    return html.replace("</head>", links + "</head>", 1)


def cpu_per_page(render, repeat: int) -> tuple[float, int, bytes]:
    """Least CPU time per page over `repeat` renders (seconds), the pages and the last PDF."""
    best, rendered = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        rendered = render()
        best = min(best, time.process_time() - start)
    return best / rendered.pages, rendered.pages, rendered.pdf


def engine_floor(plan_html: str, repeat: int) -> tuple[list, dict]:
    """WeasyPrint's own cost, in this process: our plan as printed, then stripped to the floor.

    Returns rows of (what, ms a page, pages, KiB) and the tagged plan's bytes by kind.
    """
    engine = Engine()
    plain_sheet = CSS(string=PLAIN_CSS, font_config=engine.font_config)
    plain_html = re.sub(r'\s(class|style|data-[a-z-]+)="[^"]*"', "", plan_html)

    def plain() -> Rendered:
        document = HTML(string=plain_html, url_fetcher=engine.fetcher).render(
            stylesheets=[plain_sheet], font_config=engine.font_config
        )
        return Rendered(document.write_pdf(), len(document.pages))

    tagged_job = RenderJob(plan_html, "a4", "standard")
    untagged_job = RenderJob(plan_html, "a4", "standard", tagged=False)
    engine.render(tagged_job)  # load fonts and parse the stylesheets first
    cases = [
        ("plan as printed (tagged PDF/UA-1)", lambda: engine.render(tagged_job)),
        ("plan as printed, untagged", lambda: engine.render(untagged_job)),
        ("same text, no styles, untagged", plain),
    ]
    rows, pdfs = [], []
    for name, render in cases:
        per_page, pages, pdf = cpu_per_page(render, repeat)
        rows.append((name, per_page * 1000, pages, len(pdf) / 1024))
        pdfs.append(pdf)
    tagged, untagged = pdfs[0], pdfs[1]
    return rows, {"fonts": font_bytes(tagged), "tags": len(tagged) - len(untagged)}


def font_bytes(pdf: bytes) -> int:
    """Bytes of the embedded font programs of a PDF (compressed, as stored)."""
    total = 0
    with pikepdf.open(BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in obj:
                        total += len(obj[key].read_raw_bytes())
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", type=int, default=30, help="lessons in the unit pack")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lesson", default="sextortion-11-14")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
            "EXPORT_CACHE_DIR": str(work / "cache"),
            "UPLOAD_DIR": str(work / "uploads"),
        }
    )
    rows = []
    with app.app_context():
        upgrade()
        runner = app.test_cli_runner()
        result = runner.invoke(args=["content", "load", str(ROOT / "lessons")])
        assert result.exit_code == 0, result.output
        org = default_organisation()
        db.session.commit()
        school = services.school_info(org, app.config["UPLOAD_DIR"])
        country = services.country_data("GB")
        slugs = [lesson.slug for lesson in repository.library_lessons()]
        pack_slugs = [slugs[i % len(slugs)] for i in range(args.pack)]
        single = [services.lesson_source(lesson_by_slug(args.lesson))]
        pack = [services.lesson_source(lesson_by_slug(s)) for s in pack_slugs]
        plan = ExportOptions("plan", "a4", "standard", "GB")
        whole = ExportOptions("pack", "a4", "standard", "GB")
        pool = get_pool(app.config)
        pool.warm()
        workers = lambda: [w.process.pid for w in list(pool._all)]  # noqa: E731
        date = services.printed_on()

        def clear_cache() -> None:
            shutil.rmtree(work / "cache", ignore_errors=True)
            db.session.execute(db.text("DELETE FROM export_artifact"))
            db.session.commit()

        def forget_packs() -> None:  # the kept pack goes; the kept bodies stay
            for path in (work / "cache").glob("*.pdf"):
                path.unlink()
            db.session.execute(db.text("DELETE FROM export_artifact"))
            db.session.commit()

        def ours(sources, options):
            return services.export_pdf(sources, options, school, country, date=date)

        def ours_cold(sources, options):
            clear_cache()
            return ours(sources, options)

        def ours_new_pack(sources, options):
            forget_packs()
            return ours(sources, options)

        # Warm-up: the first render in each worker loads fonts and parses the stylesheets.
        ours_cold(single, plan)

        cpu_before = cpu_seconds([os.getpid(), *workers()])
        plan_cold, exported = timed(lambda: ours_cold(single, plan), args.repeat)
        plan_cpu = (cpu_seconds([os.getpid(), *workers()]) - cpu_before) / args.repeat
        plan_size = len(exported.read())
        plan_kept, _ = timed(lambda: ours(single, plan), max(args.repeat, 20))
        pack_cold, exported = timed(lambda: ours_cold(pack, whole), 1)
        pack_size, pack_pages = exported.path.stat().st_size, exported.pages
        pack_new, _ = timed(lambda: ours_new_pack(pack, whole), args.repeat)
        pack_kept, _ = timed(lambda: ours(pack, whole), max(args.repeat, 10))

        # The same print HTML for Chromium (one document for the pack, as Chromium would print).
        sheets = stylesheet_names(RenderJob("", "a4", "standard"))
        plan_html = services.print_html(single, plan, school.school, country, date)
        pack_html = "".join(
            services.print_html([s], whole, school.school, country, date) for s in pack
        )
        pack_html = pack_html.replace("</html><!doctype html>", "")  # one document

    folder = chromium_folder(work)
    (folder / "plan.html").write_text(chromium_html(plan_html, sheets))
    (folder / "pack.html").write_text(chromium_html(pack_html, sheets))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )

        def chromium(name: str) -> bytes:
            page = browser.new_page()
            page.goto((folder / name).as_uri())
            pdf = page.pdf(
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                tagged=True,
                outline=True,
            )
            page.close()
            return pdf

        chromium("plan.html")  # warm the browser
        cpu_before = cpu_seconds(chromium_pids())
        chrome_plan, pdf = timed(lambda: chromium("plan.html"), args.repeat)
        chrome_plan_cpu = (cpu_seconds(chromium_pids()) - cpu_before) / args.repeat
        chrome_plan_size = len(pdf)
        chrome_pack_cold, pdf = timed(lambda: chromium("pack.html"), 1)
        chrome_pack_size = len(pdf)
        browser.close()

    ms = lambda s: f"{s * 1000:,.1f} ms"  # noqa: E731
    kb = lambda b: f"{b / 1024:,.0f} KiB"  # noqa: E731
    rows = [
        ("one plan, cold", ms(plan_cold), ms(chrome_plan), plan_cold / chrome_plan),
        ("one plan, cold: CPU", ms(plan_cpu), ms(chrome_plan_cpu), plan_cpu / chrome_plan_cpu),
        ("one plan, kept body (new day)", ms(plan_kept), ms(chrome_plan), plan_kept / chrome_plan),
        (
            f"{args.pack}-lesson pack, cold",
            ms(pack_cold),
            ms(chrome_pack_cold),
            pack_cold / chrome_pack_cold,
        ),
        (
            f"{args.pack}-lesson pack, lessons warm",
            ms(pack_new),
            ms(chrome_pack_cold),
            pack_new / chrome_pack_cold,
        ),
        (
            f"{args.pack}-lesson pack, kept",
            ms(pack_kept),
            ms(chrome_pack_cold),
            pack_kept / chrome_pack_cold,
        ),
        ("plan PDF size", kb(plan_size), kb(chrome_plan_size), plan_size / chrome_plan_size),
        ("pack PDF size", kb(pack_size), kb(chrome_pack_size), pack_size / chrome_pack_size),
    ]
    print(f"\n{pool.size} render workers; pack: {pack_pages} pages; median of {args.repeat} runs\n")
    print(f"| {'measure':32} | {'this project':>14} | {'Chromium':>12} | {'ratio':>6} |")
    print(f"| {'-' * 32} | {'-' * 14}: | {'-' * 12}: | {'-' * 6}: |")
    for name, mine, theirs, ratio in rows:
        print(f"| {name:32} | {mine:>14} | {theirs:>12} | {ratio:6.2f} |")

    # What the engine itself needs, whatever this project does around it.
    floor, plan_bytes = engine_floor(plan_html, args.repeat)
    print("\nWeasyPrint alone, in this process (least CPU time of the runs):\n")
    print(f"| {'document':36} | {'ms a page':>9} | {'pages':>5} | {'KiB':>5} |")
    print(f"| {'-' * 36} | {'-' * 9}: | {'-' * 5}: | {'-' * 5}: |")
    for name, per_page, pages, size in floor:
        print(f"| {name:36} | {per_page:9.0f} | {pages:5} | {size:5.0f} |")
    cores = pool.size
    fastest = min(row[1] for row in floor) / 1000
    print(
        f"\nAt the floor ({fastest * 1000:.0f} ms a page), the {pack_pages}-page pack needs "
        f"{fastest * pack_pages:.1f} s of CPU: {fastest * pack_pages / cores:.1f} s on {cores} "
        f"cores at best, against Chromium's {chrome_pack_cold:.1f} s."
    )
    target = chrome_plan_size / 4
    print(
        f"The plan's size target (a quarter of Chromium's) is {target / 1024:.0f} KiB; its "
        f"embedded fonts take {plan_bytes['fonts'] / 1024:.0f} KiB and its tags "
        f"{plan_bytes['tags'] / 1024:.0f} KiB (tagged minus untagged), "
        f"{(plan_bytes['fonts'] + plan_bytes['tags']) / 1024:.0f} KiB before any text is drawn."
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
