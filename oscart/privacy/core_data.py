"""Exporters and erasers for the tables of the foundation: account, sessions, consents, audit, mail, training."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, func, or_, select, update

from oscart.accounts.models import User
from oscart.auth.models import UserSession
from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.personal_data import eraser, exporter, free_text, plain, purger, retained, rows_as_dicts
from oscart.mail.models import PENDING, OutboxMessage
from oscart.privacy.audit_data import anonymise_audit_events, audit_events_about
from oscart.privacy.models import Campaign, Consent, InactivityWarning, Incident, PrivacyRequest
from oscart.training.models import Course, Enrolment, LessonProgress

free_text(PrivacyRequest.motivation, PrivacyRequest.decision_reason, Incident.title, Incident.texts,
          mentions_people=True)
free_text(Campaign.texts)
retained("legal_hold", _l("Identity, training records and certificates under a legal hold"),
         _l("When the law obliges your employer or us to keep proof of a training (safety training, for instance), "
            "an erasure closes and hides the account but keeps that proof."),
         _l("as long as the legal obligation lasts"))


@exporter("profile", _l("Profile"), _l("Name, e-mail address, language, role, last login and its IP address."))
def export_profile(user):
    data = {name: plain(getattr(user, name)) for name in (
        "id", "email", "first_name", "last_name", "language", "role", "is_active", "is_restricted",
        "created_at", "last_login_at", "last_login_ip", "password_changed_at")}
    data["two_step_enabled"] = user.has_two_step
    return data


@exporter("company", _l("Company"), _l("The company whose employee you are."))
def export_company(user):
    if user.company_id is None:
        return None
    return rows_as_dicts(select(Company.id, Company.name).where(Company.id == user.company_id))[0]


@exporter("consents", _l("Consents"), _l("Every consent you gave or withdrew, with time, IP address and "
                                          "statement version."))
def export_consents(user):
    return rows_as_dicts(select(Consent.purpose, Consent.is_granted, Consent.at, Consent.ip,
                                Consent.statement_version, Consent.source)
                         .where(Consent.user_id == user.id).order_by(Consent.id))


@exporter("privacy_requests", _l("Privacy requests"), _l("Your requests and the decisions taken on them."))
def export_requests(user):
    return rows_as_dicts(select(PrivacyRequest.kind, PrivacyRequest.status, PrivacyRequest.motivation,
                                PrivacyRequest.created_at, PrivacyRequest.due_at, PrivacyRequest.decided_at,
                                PrivacyRequest.decision_reason)
                         .where(PrivacyRequest.user_id == user.id).order_by(PrivacyRequest.id))


@exporter("sessions", _l("Logins"), _l("Devices you logged in on, with IP address and browser."),
          retention="ip_addresses")
def export_sessions(user):
    return rows_as_dicts(select(UserSession.created_at, UserSession.last_seen_at, UserSession.ip,
                                UserSession.user_agent, UserSession.is_remembered, UserSession.revoked_at)
                         .where(UserSession.user_id == user.id).order_by(UserSession.id))


@exporter("audit_events", _l("Actions on your account"), _l("What you and others did on your account, and when."),
          retention="audit_events")
def export_audit_events(user):
    return audit_events_about(user)


@exporter("messages", _l("Messages"), _l("The e-mails the portal sent you."), retention="mail_bodies")
def export_messages(user):
    return rows_as_dicts(select(OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.kind,
                                OutboxMessage.status, OutboxMessage.recipient, OutboxMessage.subject,
                                OutboxMessage.body_text)
                         .where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id))


@exporter("enrolments", _l("Training and progress"), _l("The courses you follow, your progress and the lessons "
                                                          "you completed."), retention="anonymised_records")
def export_enrolments(user):
    enrolments = rows_as_dicts(
        select(Enrolment.id, Course.code.label("course_code"), Enrolment.status, Enrolment.progress_percent,
               Enrolment.enrolled_at, Enrolment.due_at, Enrolment.completed_at)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id).order_by(Enrolment.id))
    lessons = db.session.execute(
        select(LessonProgress.enrolment_id, LessonProgress.lesson_id, LessonProgress.completed_at)
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .where(Enrolment.user_id == user.id).order_by(LessonProgress.id)).all()
    for enrolment in enrolments:
        enrolment["lessons_completed"] = [{"lesson_id": row.lesson_id, "completed_at": plain(row.completed_at)}
                                          for row in lessons if row.enrolment_id == enrolment["id"]]
    return enrolments


@purger("enrolments")
def purge_enrolments(user_ids, *, dry_run):
    enrolments = select(Enrolment.id).where(Enrolment.user_id.in_(user_ids))
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(enrolments.subquery()))
    db.session.execute(delete(LessonProgress).where(LessonProgress.enrolment_id.in_(enrolments)))
    return db.session.execute(delete(Enrolment).where(Enrolment.user_id.in_(user_ids))).rowcount


# --- Erasure ---------------------------------------------------------------------------------------


@eraser("sessions")
def erase_sessions(user, *, legal_hold):
    return db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount


@eraser("consents")
def erase_consents(user, *, legal_hold):
    deleted = db.session.execute(delete(Consent).where(Consent.user_id == user.id)).rowcount
    deleted += db.session.execute(delete(InactivityWarning).where(InactivityWarning.user_id == user.id)).rowcount
    return deleted


@eraser("audit_events")
def erase_audit_events(user, *, legal_hold):
    return anonymise_audit_events(user)


# The last mail to an erased person: kept until delivered, then emptied (see privacy.erasure).
FAREWELL_TEMPLATE = "privacy_request_erased"


@eraser("messages")
def erase_messages(user, *, legal_hold):
    farewell = and_(OutboxMessage.template == FAREWELL_TEMPLATE, OutboxMessage.status == PENDING)
    return db.session.execute(
        update(OutboxMessage)
        .where(or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == user.email), ~farewell)
        .values(recipient=placeholder_email(user.id), subject="", body_text="", body_html=None, headers=None)
    ).rowcount


@eraser("privacy_requests")
def erase_request_texts(user, *, legal_hold):
    return db.session.execute(update(PrivacyRequest).where(PrivacyRequest.user_id == user.id)
                              .values(motivation="", decision_reason="")).rowcount


def placeholder_email(user_id):
    return f"erased-{user_id}@erased.invalid"


# Personal columns other features may add to User (photo, two-step secret, ...): cleared when nullable.
_CLEARED_PREFIXES = ("photo", "two_step", "totp", "recovery", "last_login_ip", "phone")


def erase_profile(user, *, legal_hold, now):
    """The person's own row, last: with a legal hold the identity stays (closed and hidden), else anonymised."""
    for column in User.__table__.columns:
        if column.nullable and column.name.startswith(_CLEARED_PREFIXES):
            setattr(user, column.key, None)
    user.password_hash = None
    user.is_active = False
    user.is_restricted = True
    if not legal_hold:
        user.email = placeholder_email(user.id)
        user.first_name = "Erased"
        user.last_name = f"person {user.id}"
        user.is_anonymised = True
        user.anonymised_at = now
    return 1
