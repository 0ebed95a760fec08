"""Forms of 어디나지원단 (big fields, labels tied to inputs)."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField, RadioField,
                     SelectField, SelectMultipleField, StringField, TelField, TextAreaField, URLField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...people.districts import district_choices
from ...people.forms import ConsentField, KoreanMobile, PersonFieldsMixin
from .catalog import SKILLS, SLOTS, TOPICS, slot_label


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _districts():
    return district_choices(str(get_locale() or "ko"))


def _slot_choices():
    return [(s, slot_label(s)) for s in SLOTS]


def _topic_choices():
    return [(k, str(v)) for k, v in TOPICS.items()]


class CenterForm(FlaskForm):
    name = StringField(_l("Center name"), validators=[DataRequired(_l("Please enter the name.")), Length(max=120)])
    district = SelectField(_l("District"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[DataRequired(_l("Please enter the address.")),
                                                     Length(max=200)])
    opening_hours = StringField(_l("Opening hours"), validators=[Optional(), Length(max=200)],
                                render_kw={"placeholder": "평일 10:00–17:00"})
    capacity = IntegerField(_l("Lessons it can hold at once"), default=2, validators=[
        InputRequired(_l("Please enter a number.")), NumberRange(min=1, max=50, message=_l("Between 1 and 50."))])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    active = BooleanField(_l("In operation"), default=True)
    coordinator_id = SelectField(_l("Coordinator (gets the weekly list of learners to check on)"), coerce=int,
                              default=0)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = _districts()
        self.coordinator_id.choices = [(0, "-")] + [(u.id, f"{u.name} ({u.email})") for u in staff]


class CloseFlagForm(FlaskForm):
    action = TextAreaField(_l("What was done"), validators=[
        DataRequired(_l("Please say what was done, e.g. who called and what the learner said.")), Length(max=2000)])


class InstructorApplicationForm(PersonFieldsMixin, FlaskForm):
    applied_on = DateField(_l("Applied on"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_district_choices()


class InstructorProfileForm(FlaskForm):
    districts = MultiCheckboxField(_l("Districts served"))
    centers = MultiCheckboxField(_l("Centers"), coerce=int)
    availability = MultiCheckboxField(_l("Weekly availability"))
    topics = MultiCheckboxField(_l("Can teach"))
    max_learners = IntegerField(_l("Most learners at once"), default=20, validators=[
        InputRequired(_l("Please enter a number.")), NumberRange(min=1, max=200, message=_l("Between 1 and 200."))])

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.districts.choices = _districts()
        self.centers.choices = [(c.id, c.name) for c in centers]
        self.availability.choices = _slot_choices()
        self.topics.choices = _topic_choices()


class AccountForm(FlaskForm):
    email = EmailField(_l("E-mail for logging in"), validators=[DataRequired(), Email(_l("Please check the e-mail."))])
    password = PasswordField(_l("First password (at least 10 characters)"),
                             validators=[DataRequired(), Length(min=10, message=_l("At least 10 characters."))])


class LearnerForm(PersonFieldsMixin, FlaskForm):
    """The public sign-up and the staff phone registration share these fields."""

    preferred_center = SelectField(_l("Center you would like"), coerce=lambda v: int(v) if v else None,
                                   validators=[Optional()])
    availability = MultiCheckboxField(_l("When can you come?"),
                                      validators=[DataRequired(_l("Please choose at least one time."))])
    topics = MultiCheckboxField(_l("What would you like to learn?"))

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_district_choices()
        self.district.validators = [DataRequired(_l("Please choose your district."))]
        self.preferred_center.choices = [("", _l("Any center near me"))] + [(c.id, c.name) for c in centers]
        self.availability.choices = _slot_choices()
        self.topics.choices = _topic_choices()


RELATION_LABELS = {"child": _l("Son or daughter"), "spouse": _l("Husband or wife"),
                   "grandchild": _l("Grandchild"), "sibling": _l("Brother or sister"), "carer": _l("Carer"),
                   "other": _l("Other")}


class FamilyFieldsMixin:
    """Who is signing the learner up, when it is a family member: name, relation, phone and consent."""

    family_name = StringField(_l("Your name (family member)"), validators=[Optional(), Length(max=100)])
    family_relation = SelectField(_l("You are the learner's"), validators=[Optional()],
                                  choices=[("", "-")] + list(RELATION_LABELS.items()))
    family_phone = TelField(_l("Your mobile number"), validators=[Optional(), KoreanMobile()],
                            render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"})
    family_consent = ConsentField(_l("I agree that my name, relation and number are kept so that the programme "
                                     "can reach me about the learner (required when signing someone up)"))

    def family_given(self) -> bool:
        return bool(self.family_name.data or self.family_phone.data)

    def validate_family(self, required: bool) -> bool:
        """All four family fields, when a family member signs up (or says so); False with messages if not."""
        if not (required or self.family_given()):
            return True
        missing = {self.family_name: _l("Please enter your name."),
                   self.family_relation: _l("Please choose how you are related."),
                   self.family_phone: _l("Please enter your mobile number."),
                   self.family_consent: _l("We need your consent to keep your contact details.")}
        ok = True
        for f, message in missing.items():
            if not f.data:
                f.errors = list(f.errors) + [message]
                ok = False
        return ok


class LearnerSignUpForm(FamilyFieldsMixin, LearnerForm):
    """The public sign-up: the learner, or a family member for them."""


class StaffLearnerForm(FamilyFieldsMixin, LearnerForm):
    """Staff register a learner who called, or a family member who called for them."""

    registered_by = RadioField(_l("Who called?"), default="staff",
                               choices=[("staff", _l("The learner")), ("family", _l("A family member"))])


class CallbackForm(FlaskForm):
    """'Call me back': only a name, a number, what it is about, and consent."""

    name = PersonFieldsMixin.name
    phone = PersonFieldsMixin.phone
    note = StringField(_l("What about, or when is best to call (optional)"), validators=[Optional(), Length(max=300)])
    consent_collection = PersonFieldsMixin.consent_collection
    source = HiddenField(default="join")


class CallOutcomeForm(FlaskForm):
    outcome = RadioField(_l("How did the call go?"), choices=[("no_answer", _l("No answer")),
                                                              ("done", _l("Done: we spoke"))],
                         validators=[DataRequired(_l("Please choose how the call went."))])
    note = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=500)])


class ImportForm(FlaskForm):
    sheet = FileField(_l("Sheet (.xlsx or .csv)"), validators=[FileRequired(_l("Please choose a file."))])
    consent_on_paper = ConsentField(
        _l("Every person in this sheet signed the consent form (collection and use of personal information)"),
        validators=[DataRequired(_l("Only people who consented may be imported."))])


class ActionForm(FlaskForm):
    """A button that posts an action (only the CSRF token)."""


class RunMatchingForm(ActionForm):
    pass


class OverrideForm(FlaskForm):
    instructor = SelectField(_l("Instructor"), coerce=int)
    center = SelectField(_l("Center"), coerce=int)
    slot = SelectField(_l("Weekly slot"))
    note = StringField(_l("Why"), validators=[DataRequired(_l("Please say why.")), Length(max=200)])

    def __init__(self, *args, instructors=(), centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.instructor.choices = [(i.id, i.person.name) for i in instructors]
        self.center.choices = [(c.id, c.name) for c in centers]
        self.slot.choices = _slot_choices()


class SkillCheckForm(FlaskForm):
    stage = RadioField(_l("Stage of the course"), choices=[("intake", _l("At the start (intake)")),
                                            ("completion", _l("At the end of the course"))],
                       validators=[DataRequired(_l("Please choose when."))])
    checked_on = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date."))])
    tasks = MultiCheckboxField(_l("Tasks the learner did alone"))

    def __init__(self, *args, **kwargs):
        from .catalog import SKILL_CHECK

        super().__init__(*args, **kwargs)
        self.tasks.choices = [(k, str(v)) for k, v in SKILL_CHECK.items()]


class LessonForm(FlaskForm):
    lesson_date = DateField(_l("Date"), validators=[DataRequired(_l("Please enter the date."))])
    minutes = IntegerField(_l("Minutes"), default=50, validators=[
        InputRequired(_l("Please enter a number.")), NumberRange(min=5, max=240, message=_l("Between 5 and 240."))],
        render_kw={"inputmode": "numeric"})
    attended = RadioField(_l("Did the learner come?"), default="yes",
                          choices=[("yes", _l("Attended")), ("no", _l("No-show"))])
    topics = MultiCheckboxField(_l("Topics covered"))
    skills = MultiCheckboxField(_l("The learner can now"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = _topic_choices()
        self.skills.choices = [(k, str(v)) for k, v in SKILLS.items()]


class ContentForm(FlaskForm):
    slug = StringField(_l("Short name in the link"), validators=[DataRequired(), Length(max=60)],
                       render_kw={"placeholder": "kiosk-basics"})
    title_ko = StringField(_l("Title (Korean)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("video", _l("Short video")), ("elearning", _l("E-learning"))])
    url = URLField(_l("Address of the content"), validators=[DataRequired(), Length(max=500)])
    minutes = IntegerField(_l("Minutes"), default=5, validators=[InputRequired(), NumberRange(min=1, max=600)])
    produced_on = DateField(_l("Made or renewed on"), validators=[Optional()])
