"""The letter home as advance notice: typed details, the safeguarding contact, one page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.exports import pdfcheck
from tests.exports.pdfcheck import every_stored_file, kept_bodies
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation
from toolkit.exports.letter import MAX_TEACHER, LetterDetails
from toolkit.exports.models import ExportArtifact
from toolkit.exports.options import OptionError
from toolkit.exports.viewmodel import School, safeguarding_contact
from toolkit.extensions import db

URL = "/lessons/getting-help-11-14/export.pdf"


def _get(client, url=URL, **query):
    response = client.get(url, query_string=query)
    data = response.get_data()
    response.close()
    return response, data


def _flat(pdf: bytes) -> str:
    return " ".join(pdfcheck.text(pdf).split())


def _set_school(app, **values) -> None:
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        for name, value in values.items():
            setattr(org, name, value)
        db.session.commit()


@pytest.mark.parametrize(
    ("line", "label", "text"),
    [
        ("Designated liaison person: Ms X", "Designated liaison person", "Ms X"),
        ("Ms X, DSL", "Safeguarding contact", "Ms X, DSL"),
        ("Ms X (DSL), office 3", "Safeguarding contact", "Ms X (DSL), office 3"),
        ("Child protection coordinator Mr Y", "Child protection coordinator", "Mr Y"),
        ("child protection co-ordinator - Mr Y", "Child protection co-ordinator", "Mr Y"),
        (
            "Designated safeguarding lead: Ms Khan, room 12",
            "Designated safeguarding lead",
            "Ms Khan, room 12",
        ),
        ("DSL: Ms Khan", "DSL", "Ms Khan"),
        ("Ms X", "Designated safeguarding lead", "Ms X"),
        ("  Ms   X, room 4 ", "Designated safeguarding lead", "Ms X, room 4"),
        ("Dslava Novak, room 2", "Designated safeguarding lead", "Dslava Novak, room 2"),
    ],
)
def test_the_printed_contact_never_repeats_a_role_title(line, label, text):
    contact = safeguarding_contact(line)
    assert (contact.label, contact.text) == (label, text)
    printed = f"{contact.label}: {contact.text}".lower()
    for title in ("designated liaison person", "designated safeguarding lead", "dsl"):
        assert printed.count(title) <= 1


def test_an_empty_lead_line_gives_no_contact():
    assert safeguarding_contact("   ") is None
    assert School("A school").contact is None


def test_letter_details_are_checked_and_bounded():
    details = LetterDetails.from_values(
        {"lesson_date": "2026-12-08", "class_name": " Year  5 ", "teacher": "Ms Okafor"}
    )
    assert details.lesson_day == "Tuesday 8 December 2026"
    assert details.class_name == "Year 5"
    assert details.as_query() == {
        "lesson_date": "2026-12-08",
        "class_name": "Year 5",
        "teacher": "Ms Okafor",
    }
    assert not LetterDetails.from_values({})
    for bad in (
        {"lesson_date": "8/12/2026"},
        {"lesson_date": "2026-02-30"},
        {"lesson_date": "1900-01-01"},
        {"teacher": "x" * (MAX_TEACHER + 1)},
        {"class_name": "Year 5\x1b[2J"},
    ):
        with pytest.raises(OptionError):
            LetterDetails.from_values(bad)


def test_letter_is_advance_notice_on_one_page_with_the_typed_details(app, client, teacher):
    _set_school(
        app,
        name="Hillside Academy",
        safeguarding_lead="Designated liaison person: Ms Rivera, room 12",
    )
    response, pdf = _get(
        client,
        document="letter",
        lesson_date="2026-12-08",
        class_name="Year 8 Oak",
        teacher="Ms Okafor",
    )
    assert response.status_code == 200
    assert len(pdfcheck.reader(pdf).pages) == 1
    text = _flat(pdf)
    assert "Tuesday 8 December 2026" in text and "Year 8 Oak" in text
    assert "Ms Okafor, class teacher, Year 8 Oak" in text  # the signature line
    assert "We are writing before your child's class" in text
    assert "see the lesson plan" in text  # the offer to see the materials
    assert "Designated liaison person: Ms Rivera, room 12" in text
    assert "safeguarding lead: Designated" not in text
    assert "NSPCC Helpline" in text and "Childline" not in text  # routes for parents only
    # The version is in the footer's small print only, never in the letter's body.
    body, footer = text.split("Getting help · version", 1)
    assert "version" not in body.lower() and footer.startswith(" 1 · Letter home")

    _, blank = _get(client, document="letter")
    blank_text = _flat(blank)
    assert "Name and role:" in blank_text and "Ms Okafor" not in blank_text
    assert "class teacher" in blank_text and "has an online-safety lesson, so that" in blank_text


def test_the_plan_prints_the_schools_own_role_title_once(app, client, teacher):
    _set_school(app, safeguarding_lead="Child protection coordinator Mr Young, office")
    _, pdf = _get(client, document="plan")
    text = _flat(pdf)
    assert "Child protection coordinator: Mr Young, office" in text
    assert "Designated safeguarding lead: Child" not in text


def test_typed_details_are_never_stored_nor_shared_between_teachers(app, client, teacher):
    first, pdf_a = _get(client, document="letter", teacher="Ms Alpha", class_name="Year 5 Ash")
    second, pdf_b = _get(client, document="letter", teacher="Mr Beta", class_name="Year 5 Ash")
    assert first.status_code == second.status_code == 200
    assert "Ms Alpha" in _flat(pdf_a) and "Mr Beta" not in _flat(pdf_a)
    assert "Mr Beta" in _flat(pdf_b) and "Ms Alpha" not in _flat(pdf_b)
    _, plain = _get(client, document="letter")
    assert "Ms Alpha" not in _flat(plain) and "Mr Beta" not in _flat(plain)

    with app.app_context():
        # Only the letter without details was kept; nothing typed reached the database.
        assert len(kept_bodies(app)) == 1
        stored = json.dumps(
            [[e.action, e.target, e.detail] for e in db.session.scalars(select(AuditEvent))]
            + [[a.filename, a.options] for a in db.session.scalars(select(ExportArtifact))]
        )
    assert "Alpha" not in stored and "Beta" not in stored and "Ash" not in stored
    assert '"letter_details": true' in stored  # the audit says details were given, not which
    for data in every_stored_file(app):
        assert b"Alpha" not in data and b"Beta" not in data


def test_typed_details_are_escaped_and_overlong_ones_refused(client, teacher):
    preview = client.get(
        "/lessons/getting-help-11-14/preview",
        query_string={"document": "letter", "teacher": "<b>Ms X</b>", "class_name": "5 & 6"},
    )
    html = preview.get_data(as_text=True)
    assert "&lt;b&gt;Ms X&lt;/b&gt;" in html and "<b>Ms X</b>" not in html
    assert "5 &amp; 6" in html
    response = client.get(URL, query_string={"document": "letter", "teacher": "x" * 81})
    assert response.status_code == 400
    assert client.get(URL, query_string={"lesson_date": "tomorrow"}).status_code == 400


def test_every_library_letter_is_one_page_or_one_sheet(app, runner, tmp_path, login_as):
    """All 23 library letters, the longest help list (UK, 14-18) and long typed details."""
    from toolkit.exports import services
    from toolkit.exports.render import RenderJob, get_pool

    login_as("teacher")  # makes the school
    result = runner.invoke(args=["content", "load", app.config["LESSONS_DIR"]])
    assert result.exit_code == 0, result.output
    details = LetterDetails(
        dt.date(2026, 12, 8),
        "Year 10 Maple Class, with a long name",
        "Dr Margaret Okafor-Lindqvist, Head of Year 10",
    )
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        org.name = "Hillside Primary and Nursery Academy of the Valley"
        org.safeguarding_lead = "Designated liaison person: Ms Rivera, room 12, extension 204"
        db.session.commit()
        school = services.school_info(org, None)
        country = services.country_data("GB")
        from toolkit.content.models import Lesson

        lessons = list(db.session.scalars(select(Lesson).where(Lesson.origin == "library")))
        assert len(lessons) >= 23
        pool = get_pool(app.config)
        # Standard: one page. Large print and dyslexia-friendly: one sheet, both sides.
        for paper, variant, sides in (
            ("a4", "standard", 1),
            ("letter", "standard", 1),
            ("letter", "dyslexia", 2),
            ("a4", "large-print", 2),
        ):
            options = services.options_for(
                {"document": "letter", "paper": paper, "variant": variant}, org
            )
            jobs = [
                RenderJob(
                    services.print_html(
                        [services.lesson_source(lesson)],
                        options,
                        school.school,
                        country,
                        "30 November 2026",
                        letter=details,
                    ),
                    paper,
                    variant,
                )
                for lesson in lessons
            ]
            pages = {
                lesson.slug: rendered.pages
                for lesson, rendered in zip(lessons, pool.render_many(jobs), strict=True)
            }
            assert set(pages.values()) == {sides}, (
                paper,
                variant,
                {slug: n for slug, n in pages.items() if n != sides},
            )
