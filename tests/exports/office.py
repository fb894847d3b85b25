"""Open generated Office files in a real office suite: LibreOffice, headless, converts to PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is not installed: `make test` installs it (Debian packages)"
    return path


def convert_to_pdf(path: Path) -> Path:
    """Convert an Office file to PDF with LibreOffice and return the PDF (fails if it cannot)."""
    profile = path.parent / "lo-profile"
    result = subprocess.run(  # noqa: S603 (our own file names)
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(path.parent),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = path.with_suffix(".pdf")
    assert result.returncode == 0 and pdf.is_file(), result.stdout + result.stderr
    return pdf
