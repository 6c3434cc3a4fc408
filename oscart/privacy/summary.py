"""The readable summary of the personal data archive: labels, values and dates in the reader's language.

data.json keeps the field names and raw values for programs; the summary shows the same data to a person:
each field under a translated label, dates and times formatted for the reader's locale (Brussels time),
yes or no instead of true or false, and known codes (roles, statuses, actions) by their names.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

EMPTY = "—"

FIELD_LABELS = {
    "action": _l("Action"), "answers": _l("Answers"), "assigned_at": _l("Assigned on"),
    "at": _l("Date"), "body_text": _l("Text"),
    "by_you": _l("By you"), "cancelled_at": _l("Cancelled on"), "code": _l("Code"), "company": _l("Company"),
    "completed_at": _l("Completed on"), "completed_on": _l("Completed on"), "content_type": _l("File type"),
    "course_code": _l("Course code"), "course_title": _l("Course"), "created_at": _l("Created on"),
    "decided_at": _l("Decided on"), "decision_reason": _l("Reason"), "details": _l("Details"),
    "due_at": _l("Due date"), "email": _l("E-mail address"), "enrolled_at": _l("Enrolled on"), "file": _l("File"),
    "feed_made_at": _l("Made or last renewed on"), "first_name": _l("First name"),
    "has_calendar_feed": _l("Has a personal calendar address"), "height": _l("Height (pixels)"),
    "holder_name": _l("Holder"),
    "hours": _l("Hours"), "id": _l("Number"), "ip": _l("IP address"), "is_active": _l("Active"),
    "is_correct": _l("Right"), "is_granted": _l("Given"), "is_passed": _l("Passed"), "is_remembered": _l("Remembered"),
    "is_restricted": _l("Restricted"), "is_signed": _l("Digitally signed"), "is_walk_in": _l("Walk-in"),
    "issued_at": _l("Issued on"), "kind": _l("Kind"), "language": _l("Language"), "last_login_at": _l("Last login"),
    "last_login_ip": _l("IP address of the last login"), "last_name": _l("Last name"),
    "last_seen_at": _l("Last seen"), "lesson_id": _l("Lesson"), "lessons_completed": _l("Lessons completed"),
    "marked_by_id": _l("Marked by (number)"), "marked_by_name": _l("Marked by"), "minutes": _l("Minutes"),
    "motivation": _l("Motivation"), "name": _l("Name"), "note": _l("Note"), "origin": _l("Origin"),
    "part_starts_at": _l("Part starts"), "period": _l("Period"), "password_changed_at": _l("Password changed"),
    "pdf_sha256": _l("SHA-256 of the PDF"), "pdf_size": _l("PDF size (bytes)"), "place": _l("Place"),
    "position": _l("Place on the waiting list"), "progress_percent": _l("Progress (%)"), "purpose": _l("Purpose"),
    "question": _l("Question"), "questions": _l("Questions and your answers"),
    "recipient": _l("Recipient"), "revoked_at": _l("Revoked on"), "revoked_reason": _l("Reason"),
    "role": _l("Role"), "rule_id": _l("Rule (number)"),
    "score_percent": _l("Score (%)"), "sent_at": _l("Sent on"), "signed_at": _l("Signed on"),
    "session_id": _l("Session"),
    "source": _l("Source"), "started_at": _l("Started"), "started_on": _l("Started on"), "starts_at": _l("Starts"),
    "statement_version": _l("Statement version"), "status": _l("Status"), "subject": _l("Subject"),
    "submitted_at": _l("Submitted on"), "superseded_at": _l("Superseded on"), "target": _l("Target"),
    "title": _l("Title"), "trainer_name": _l("Trainer"), "two_step_enabled": _l("Two-step authentication"),
    "updated_at": _l("Last changed"), "uploaded_at": _l("Uploaded on"), "user_agent": _l("Browser"),
    "valid_until": _l("Valid until"), "viewed_at": _l("Viewed on"), "width": _l("Width (pixels)"),
    "your_answers": _l("Your answers"),
}


@cache
def _value_labels():
    """{(category key, field): {code: label}}: the names of codes, from the features that own them."""
    from oscart.audit.labels import ACTION_LABELS
    from oscart.classroom.models import REGISTRATION_LABELS
    from oscart.classroom.models import STATUS_LABELS as ATTENDANCE_LABELS
    from oscart.core.i18n import LANGUAGE_LABELS
    from oscart.core.security import ROLE_LABELS
    from oscart.privacy.policy import PURPOSES_BY_KEY
    from oscart.privacy.requests import KIND_LABELS, STATUS_LABELS

    enrolment = {"in_progress": _l("In progress"), "completed": _l("Completed")}
    message_kinds = {"transactional": _l("About your account or training"), "marketing": _l("Newsletter or offer")}
    message_statuses = {"pending": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed")}
    origins = {"automatic": _l("On completing the course"), "manual": _l("Issued by hand"),
               "reissue": _l("Re-issued")}
    sources = {"privacy_page": _l("Privacy page"), "login": _l("Login form"), "objection": _l("Your objection"),
               "unsubscribe_link": _l("Unsubscribe link in an e-mail")}
    return {("messages", "kind"): message_kinds, ("messages", "status"): message_statuses,
            ("certificates", "origin"): origins, ("consents", "source"): sources,
            ("profile", "language"): LANGUAGE_LABELS, ("profile", "role"): ROLE_LABELS,
            ("certificates", "language"): LANGUAGE_LABELS, ("quiz_attempts", "language"): LANGUAGE_LABELS,
            ("consents", "purpose"): {key: purpose.label for key, purpose in PURPOSES_BY_KEY.items()},
            ("privacy_requests", "kind"): KIND_LABELS, ("privacy_requests", "status"): STATUS_LABELS,
            ("audit_events", "action"): ACTION_LABELS, ("enrolments", "status"): enrolment,
            ("registrations", "status"): REGISTRATION_LABELS, ("attendance", "status"): ATTENDANCE_LABELS}


@dataclass
class Section:
    """One category of the summary: a list of (label, text) ``pairs`` or a table of ``headers`` and ``rows``."""

    label: str
    description: str
    pairs: list = field(default_factory=list)
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.pairs or self.rows)


def sections(data, categories):
    """The Section of each category, in registry order, for the reader's language (the locale in force)."""
    result, labels = [], _value_labels()
    for category in categories:
        value = data.get(category.key)
        section = Section(str(category.label), str(category.description))
        codes = {name: mapping for (key, name), mapping in labels.items() if key == category.key}
        if isinstance(value, dict):
            section.pairs = [(label(name), text(name, item, codes)) for name, item in value.items()]
        elif value:
            names = list(value[0])
            section.headers = [label(name) for name in names]
            section.rows = [[text(name, row.get(name), codes) for name in names] for row in value]
        result.append(section)
    return result


def label(name):
    """The translated label of a field; a field without one reads as its name in words."""
    known = FIELD_LABELS.get(name)
    return str(known) if known is not None else name.replace("_", " ").capitalize()


def text(name, value, codes=None):
    """``value`` of field ``name`` as a person reads it in the locale in force."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        known = codes.get(name, {}).get(value) if codes else None
        return str(known) if known is not None else _moment(name, value)
    if isinstance(value, float):
        return format_decimal(value)
    if isinstance(value, dict):
        return ", ".join(f"{label(key)}: {text(key, item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(text(name, item) for item in value) or EMPTY
    return str(value)


def _moment(name, value):
    # The archive holds dates and times as ISO 8601 text; fields are named *_at (a moment) and *_on (a day).
    try:
        if name == "at" or name.endswith("_at"):
            return format_datetime(datetime.fromisoformat(value), "medium")
        if name.endswith("_on") or name == "valid_until":
            return format_date(date.fromisoformat(value), "long")
    except ValueError:
        pass
    return value
