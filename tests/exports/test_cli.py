"""`toolkit export` writes PDFs for bulk printing and explains bad input."""

from __future__ import annotations

from tests.exports import pdfcheck


def test_export_writes_a_pdf(library, runner, tmp_path):
    out = tmp_path / "out" / "cards.pdf"
    result = runner.invoke(
        args=[
            "export",
            "getting-help-11-14",
            "--document",
            "cards",
            "--paper",
            "letter",
            "-o",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    pdf = out.read_bytes()
    assert "Mo's message" in pdfcheck.text(pdf)
    assert round(float(pdfcheck.reader(pdf).pages[0].mediabox[2])) == 612


def test_export_explains_unknown_lessons_countries_and_options(library, runner, tmp_path):
    out = str(tmp_path / "x.pdf")
    cases = [
        (["export", "nope", "-o", out], "No lesson with the slug 'nope'"),
        (["export", "getting-help-11-14", "--country", "ZZ", "-o", out], "Unknown country 'ZZ'"),
        (["export", "getting-help-11-14", "--variant", "neon", "-o", out], "Unknown variant"),
        (["export", "getting-help-11-14", "--document", "poster", "-o", out], "Unknown document"),
        (["export", "getting-help-11-14", "--paper", "a3", "-o", out], "Unknown paper"),
        (["export", "getting-help-11-14", "--school", "Nowhere", "-o", out], "No school called"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, result.output
