"""Forms of the administration pages."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from toolkit.admin.services import ROLE_LABELS
from toolkit.auth.models import PAPER_LABELS


def options(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


class CreateAccountForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    role = RadioField("Role", choices=options(ROLE_LABELS.items()), default="teacher")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options((k, k.title()) for k in ROLE_LABELS))


class SchoolForm(FlaskForm):
    name = StringField("School name", validators=[DataRequired(), Length(max=200)])
    country = SelectField("Country", validators=[DataRequired()])
    paper_size = RadioField("Default paper size", choices=options(PAPER_LABELS.items()))
    safeguarding_role = StringField(
        "Title of the safeguarding role",
        validators=[Length(max=80)],
        description="What your school calls the person pupils' concerns go to, as printed on "
        "plans and letters: e.g. “designated safeguarding lead” (England and Wales), "
        "“designated liaison person” (Ireland). Leave it empty to use your country's usual title.",
    )
    safeguarding_lead = StringField(
        "Safeguarding lead line",
        validators=[Length(max=300)],
        description="The name of your safeguarding lead and how to reach them, e.g. “Ms Khan, "
        "room 12, extension 204”. It is printed after the role title on every teacher plan and "
        "letter home; if your school's title for the role is not “Designated safeguarding "
        "lead”, start with it (“Designated liaison person: Mr Byrne, office”). A staff contact "
        "only: no pupil details.",
    )
    logo = FileField(
        "Logo",
        description="PNG, JPEG, GIF or WebP, up to 2 MB and 4000 pixels a side. SVG is not "
        "accepted. The image is re-drawn and stored as PNG; it is printed on documents.",
    )
    remove_logo = BooleanField("Remove the current logo")


class ImportForm(FlaskForm):
    archive = FileField(
        "Library archive (.zip)",
        description="A zip of the lessons/ folder: reference/, blocks/, helplines/ and the "
        "band folders. Up to 10 MB.",
    )
