"""The only way WeasyPrint may load anything: an allow-list of bundled assets and stored logos.

Print HTML names bundled stylesheets and fonts as ``toolkit-asset:/<name>`` and a school's logo as
``toolkit-upload:/logos/<file>``, whose bytes come with the render job (read from the file store
by the caller). Every other URL (file:, http(s):, data:, relative paths that
resolve elsewhere, redirects) is refused before any I/O happens, and each refusal is counted so
tests can prove nothing left the process.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from toolkit.uploads import UPLOAD_SCHEME, Uploads, upload_for_url

ASSET_SCHEME = "toolkit-asset:"
ROOT = Path(__file__).resolve().parent.parent.parent
PRINT_DIR = ROOT / "static" / "print"
CONTENT_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


class RefusedURL(ValueError):
    """A URL outside the allow-list (WeasyPrint skips the resource and carries on)."""


def font_files() -> dict[str, Path]:
    """The fonts shipped as Python dependencies, by the name print CSS uses for them."""
    import fontpkg_atkinson_hyperlegible
    import fontpkg_lexend

    files = {}
    for package in (fontpkg_atkinson_hyperlegible, fontpkg_lexend):
        for path in sorted((package.ROOT / "files").glob("*.ttf")):
            files["fonts/" + path.name.replace("[wght]", "-Variable")] = path
    return files


def symbol_files() -> dict[str, Path]:
    """The vendored symbols (our own reviewed SVG files, never uploads), as `symbols/<name>.svg`."""
    from toolkit.content.symbols import symbols

    return {f"symbols/{s.path.name}": s.path for s in symbols().values()}


def asset_files() -> dict[str, Path]:
    """Every asset print HTML may name: the print stylesheets, the fonts and the symbols."""
    assets = {path.name: path for path in sorted(PRINT_DIR.glob("*.css"))}
    assets.update(font_files())
    assets.update(symbol_files())
    return assets


def font_face_css(prefix: str) -> str:
    """@font-face rules for the shipped fonts, their files named under `prefix`."""
    faces = {
        "AtkinsonHyperlegible-Regular.ttf": ("Atkinson Hyperlegible", "normal", "normal"),
        "AtkinsonHyperlegible-Bold.ttf": ("Atkinson Hyperlegible", "bold", "normal"),
        "AtkinsonHyperlegible-Italic.ttf": ("Atkinson Hyperlegible", "normal", "italic"),
        "AtkinsonHyperlegible-BoldItalic.ttf": ("Atkinson Hyperlegible", "bold", "italic"),
        # One variable file for every weight. No weight range: WeasyPrint does not read one
        # ("100 900") and warns; without it, bold and semi-bold are instances of this file.
        "Lexend-Variable.ttf": ("Lexend", None, "normal"),
    }
    rules = []
    for name, (family, weight, style) in faces.items():
        weight_rule = f"font-weight: {weight}; " if weight else ""
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{prefix}fonts/{name}"); '
            f"{weight_rule}font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"


class SafeFetcher(URLFetcher):
    """Serve allow-listed assets and the job's logo from memory; refuse the rest."""

    def __init__(self, uploads: Uploads = (), assets: dict[str, Path] | None = None):
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False)
        self.uploads = uploads
        self.assets = assets if assets is not None else asset_files()
        self._cache: dict[str, bytes] = {}
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(ASSET_SCHEME):
            name = url[len(ASSET_SCHEME) :].lstrip("/")
            path = self.assets.get(name)
            if path is not None:
                if name not in self._cache:
                    self._cache[name] = path.read_bytes()
                content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
                return URLFetcherResponse(url, self._cache[name], {"Content-Type": content_type})
        elif url.startswith(UPLOAD_SCHEME):
            body = upload_for_url(url, self.uploads)
            if body is not None:
                return URLFetcherResponse(url, body, {"Content-Type": "image/png"})
        self.refused.append(url[:200])
        raise RefusedURL(f"refused by the print fetcher: {url[:80]}")

    def open(self, url, data=None, timeout=None):
        """Refuse urllib-style use: nothing may reach the network through this object."""
        raise RefusedURL("the print fetcher does not open URLs")
