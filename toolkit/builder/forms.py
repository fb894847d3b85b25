from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class NewLessonForm(FlaskForm):
    title = StringField("Lesson title", validators=[DataRequired(), Length(max=200)])
    band = SelectField("Age band", validators=[DataRequired()])
    minutes = IntegerField(
        "Period length (minutes)", default=45, validators=[DataRequired(), NumberRange(10, 120)]
    )
    topic = SelectField("Main topic")
