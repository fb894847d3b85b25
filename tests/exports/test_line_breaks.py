"""Printed paragraphs break lines where the text runs out, not early (dyslexia-friendly spacing)."""

from __future__ import annotations

import pytest

from tests.exports import pdfcheck
from toolkit.exports.render import Engine, RenderJob

PARAGRAPH = (
    "<strong>If a pupil tells you something.</strong> Stay calm. Thank them and tell them it is "
    "not their fault. A threat may be live, with a deadline, so go to the DSL straight away, not "
    "at the end of the day; if you need to leave the class, ask a colleague to cover. Do not "
    "promise secrecy. Do not ask for details beyond what you need to pass on. Write down what "
    "they said in their own words. Reassure them that paying is not the answer, and never tell "
    "them off if they have already paid or sent more. Help them stop replying, without deleting "
    "the chat or the account."
)


@pytest.mark.parametrize("variant", ["standard", "large-print", "dyslexia"])
def test_no_line_holds_a_single_word_in_the_middle_of_a_paragraph(variant):
    html = (
        f'<html lang="en" class="variant-{variant}"><head><title>t</title></head><body>'
        f'<article class="document document-plan"><section class="safeguarding">'
        f"<p>{PARAGRAPH}</p></section></article></body></html>"
    )
    pdf = Engine().render(RenderJob(html, "a4", variant)).pdf
    lines = [line.strip() for line in pdfcheck.text(pdf).splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("page ")]
    assert body[-1].endswith("account.")
    lonely = [line for line in body[:-1] if len(line.split()) == 1]
    assert lonely == [], lonely
