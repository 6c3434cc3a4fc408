"""Every kind of mail the portal sends, made by its real service, read back as mail clients and providers do:
the bytes parse without defects (RFC 5322), carry a Date and a Message-ID, marketing mail names its one-click
unsubscribe link literally (RFC 2369, RFC 8058), and the plain-text part keeps paragraphs and list items on
lines of their own."""

import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import select

from oscart.admin.services import create_user
from oscart.auth.reset import request_password_reset
from oscart.certificates import issuing
from oscart.certificates.renewal import send_expiry_reminders
from oscart.classroom.registrations import cancel_registration, register_user
from oscart.companies.invitations import invite_people
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.mail import backends
from oscart.mail.models import MARKETING, OutboxMessage
from oscart.mail.services import deliver_pending
from oscart.privacy import policy as privacy_policy
from oscart.privacy.campaigns import save_campaign, send_campaign
from oscart.privacy.incidents import notify_incident, record_incident
from oscart.privacy.offers import send_offers
from oscart.privacy.requests import decide_request, file_request
from oscart.privacy.retention import purge
from oscart.training.company import assign_course
from oscart.training.models import CourseView
from tests.factories import (
    PASSWORD,
    enable_two_step,
    give_consent,
    make_certificate,
    make_classroom_course,
    make_company,
    make_course,
    make_elearning_course,
    make_training_session,
    make_user,
    pyotp_code,
)

UNSUBSCRIBE = re.compile(r"^<https?://[^>]+>(, <mailto:[^>]+>)?$")
GLUED_ITEM = re.compile(r"[.:;!?,)]-\s")  # "… in uw agenda.- vrijdag …"
GLUED_SENTENCE = re.compile(r"[a-zà-ÿ][.!?:][A-ZÀ-Ý]")  # "… agenda.Vrijdag …"
URL = re.compile(r"(https?|mailto):\S+|\S+@\S+")


@pytest.fixture
def world():
    acme = make_company(name="Acme")
    return SimpleNamespace(
        acme=acme,
        admin=make_user(role=PLATFORM_ADMIN, language="en", first_name="Olivia"),
        hr=make_user(role=COMPANY_ADMIN, company=acme, language="en", first_name="Hilde"),
        pieter=make_user(company=acme, language="en", first_name="Pieter", last_name="Willems"),
        anna=make_user(company=acme, language="en", first_name="Anna", last_name="Jansen"),
    )


# Each trigger goes through the service (or the page) a person uses. It returns, for each mail it causes, its
# key (the template, or the template and what the mail is about) with the starts of the paragraphs of its plain
# text and the number of list items in it.

def sends(*templates):
    def mark(trigger):
        trigger.templates = set(templates)
        return trigger
    return mark


@sends("password_reset")
def password_reset(world, browser):
    request_password_reset(world.anna.email)
    return {"password_reset": (["Hello Anna,", "Someone asked to reset", "http", "The link works once"], 0)}


@sends("welcome")
def welcome(world, browser):
    create_user(actor=world.admin, email="nora@acme.example", first_name="Nora", last_name="New", role="trainee",
                company_id=world.acme.id, language="en")
    return {"welcome": (["Hello Nora,", "An account has been created", "http"], 0)}


@sends("invitation")
def invitation(world, browser):
    invite_people(world.hr, text="nora@example.org", language="en")
    return {"invitation": (["Hello,", "Hilde Last", "http", "If you did not expect"], 0)}


@sends("account_locked")
def account_locked(world, browser):
    db.session.commit()
    for _ in range(current_app.config["LOGIN_MAX_FAILURES"]):
        browser.login(world.anna.email, "not the password")
    return {"account_locked": (["Hello Anna,", "After a wrong password was entered several times",
                                "If these attempts"], 0)}


@sends("two_step_disabled")
def two_step_disabled(world, browser):
    secret, recovery = enable_two_step(world.anna, codes=True)
    browser.login(world.anna.email)
    browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    browser.submit("/account/security/two-step/disable", {"password": PASSWORD, "code": recovery[0]})
    return {"two_step_disabled": (["Hello Anna,", "Two-step authentication has just been turned off",
                                   "If you did not do this"], 0)}


@sends("two_step_reset")
def two_step_reset(world, browser):
    enable_two_step(world.anna)
    browser.login(world.admin.email)
    page = f"/admin/users/{world.anna.id}"
    assert browser.submit(f"{page}/two-step/reset", form_page=page).status_code == 302
    return {"two_step_reset": (["Hello Anna,", "An Oscart administrator has reset", "Until you turn it on again",
                                "If you did not ask for this"], 0)}


@sends("training_assigned")
def training_assigned(world, browser):
    course = make_elearning_course(titles={"en": "Fire safety"})
    assign_course(world.hr, course.id, [world.anna.id], due_at=utcnow() + timedelta(days=30))
    return {"training_assigned": (["Hello Anna,", "Your company has assigned you", "Please complete it by",
                                   "http"], 0)}


@sends("classroom_registration")
def classroom_registration(world, browser):
    start = (utcnow() + timedelta(days=7)).replace(hour=8, minute=0, second=0, microsecond=0)
    session = make_training_session(make_classroom_course(title="Safety basics"), capacity=1, parts=[
        (start, start + timedelta(hours=4)), (start + timedelta(days=1), start + timedelta(days=1, hours=4))])
    register_user(session, world.pieter, actor=world.pieter)
    register_user(session, world.anna, actor=world.anna)  # waiting list
    cancel_registration(session, world.pieter, actor=world.pieter)  # Anna moves up
    parts = ["- ", "Place: Antwerpen, Oscart Campus", "http"]
    return {("classroom_registration", "registered"): (["Hello Pieter,", "You are registered", *parts], 2),
            ("classroom_registration", "waitlisted"): (["Hello Anna,", "The session", *parts], 2),
            ("classroom_registration", "cancelled"): (["Hello Pieter,", "Your registration for", *parts], 2),
            ("classroom_registration", "promoted"): (["Hello Anna,", "A place has become free", *parts], 2)}


@sends("classroom_session_changed")
def classroom_session_changed(world, browser):
    from oscart.classroom import changes

    start = (utcnow() + timedelta(days=7)).replace(hour=8, minute=0, second=0, microsecond=0)
    course = make_classroom_course(title="Safety basics")
    session = make_training_session(course, capacity=1, parts=[(start, start + timedelta(hours=4))])
    register_user(session, world.pieter, actor=world.pieter)
    register_user(session, world.anna, actor=world.anna)  # waiting list
    later = [(start + timedelta(hours=1), start + timedelta(hours=5)),
             (start + timedelta(days=1), start + timedelta(days=1, hours=4))]
    changes.save_session(session, actor=world.admin, course_id=course.id, parts=later, capacity=1, language="nl",
                         place="Gent", trainer_ids=[world.admin.id])
    changes.cancel_session(session, actor=world.admin)
    # The last of each kind goes to Anna, on the waiting list: mail without a calendar file.
    return {("classroom_session_changed", "moved"): (["Hello Anna,", "The session", "- ", "Place: Gent", "http"], 2),
            ("classroom_session_changed", "called_off"): (["Hello Anna,", "The session", "- ", "Place: Gent",
                                                           "http"], 2)}


@sends("certificate_issued")
def certificate_issued(world, browser):
    certificate = make_certificate(world.anna, make_course(titles={"en": "First aid"}, validity_months=12))
    issuing.reissue_certificate(certificate, actor=world.admin, reason="Name corrected.")
    issuing.issue_manually(world.pieter, make_course(titles={"en": "Forklift"}), actor=world.admin,
                           completed_on=utcnow().date(), reason="Trained on site.")
    return {("certificate_issued", "automatic"): (["Hello Anna,", "Your certificate for", "Download"], 0),
            ("certificate_issued", "reissue"): (["Hello Anna,", "Your certificate for", "It replaces certificate",
                                                 "Download"], 0),
            ("certificate_issued", "manual"): (["Hello Pieter,", "Your certificate for", "Download"], 0)}


@sends("certificate_expiring", "certificates_expiring_company")
def certificates_expiring(world, browser):
    course = make_course(titles={"en": "First aid"}, validity_months=12)
    for person in (world.anna, world.pieter):
        make_certificate(person, course, completed_at=datetime.now(UTC) - timedelta(days=355))
    send_expiry_reminders(days=30)
    return {"certificate_expiring": (["Hello ", "Your certificate for", "Your certificates:"], 0),
            "certificates_expiring_company": (["Hello Hilde,", "These certificates", "- ", "You can assign"], 2)}


@sends("privacy_request_decided")
def privacy_request_decided(world, browser):
    request = file_request(world.anna, kind="rectify", motivation="My name is wrong.", ip="198.51.100.1")
    decide_request(request, actor=world.admin, grant=False, reason="The name matches your passport.")
    return {"privacy_request_decided": (["Hello Anna,", "We have refused", "Our reason:", "The name matches",
                                         "If you disagree"], 0)}


@sends("privacy_request_erased")
def privacy_request_erased(world, browser):
    request = file_request(world.anna, kind="erase", motivation="I left the company.", ip="198.51.100.1")
    decide_request(request, actor=world.admin, grant=True, reason="Nothing needs to be kept.")
    return {"privacy_request_erased": (["Hello Anna,", "We have granted your request to erase", "Our reason:",
                                        "Nothing needs to be kept."], 0)}


@sends("privacy_inactive_warning")
def privacy_inactive_warning(world, browser):
    world.anna.last_login_at = utcnow() - timedelta(days=privacy_policy.retention_days("inactive_accounts"))
    db.session.commit()
    purge(now=utcnow(), dry_run=False)
    return {"privacy_inactive_warning": (["Hello Anna,", "You have not used your Oscart account",
                                          "To keep your account"], 0)}


@sends("privacy_incident")
def privacy_incident(world, browser):
    incident = record_incident(actor=world.admin, title="Laptop stolen", occurred_at=utcnow() - timedelta(days=1),
                               categories=["profile"], texts={"en": "A laptop was stolen.\n\nIt was encrypted."},
                               company_ids=[], user_ids=[world.anna.id])
    notify_incident(incident, actor=world.admin, category_labels={"profile": "Profile"})
    return {"privacy_incident": (["Hello Anna,", "On ", "A laptop was stolen.", "It was encrypted.",
                                  "Data involved:", "If you have questions"], 0)}


@sends("privacy_offer")
def privacy_offer(world, browser):
    course = make_elearning_course(titles={"en": "Forklift driving"})
    give_consent(world.anna, privacy_policy.OFFERS)
    db.session.add(CourseView(user_id=world.anna.id, course_id=course.id, viewed_at=utcnow() - timedelta(days=10)))
    db.session.commit()
    send_offers(7)
    return {"privacy_offer": (["Hello Anna,", "You recently looked at the course", "You receive this",
                               "http"], 0)}


@sends("privacy_campaign")
def privacy_campaign(world, browser):
    give_consent(world.anna, privacy_policy.NEWSLETTER)
    body = "New this spring:\n- First aid\n- Forklift driving\n\nSee you soon."
    campaign = save_campaign(None, actor=world.admin, kind="newsletter", texts={"en": {"subject": "News",
                                                                                         "body": body}})
    send_campaign(campaign, actor=world.admin)
    return {"privacy_campaign": (["New this spring:", "See you soon.", "You receive this", "http"], 2)}


@sends("assignment_due_soon", "assignment_overdue", "assignment_overdue_manager", "session_tomorrow",
       "company_digest")
def required_training_reminders(world, browser):
    from oscart.assignments.followup import send_reminders
    from tests.factories import make_enrolment, make_registration

    world.anna.manager_id = world.pieter.id
    course = make_course(titles={"en": "Forklift"})
    make_enrolment(world.anna, course, due_at=utcnow() - timedelta(days=5))
    make_enrolment(world.pieter, make_course(titles={"en": "Fire safety"}), due_at=utcnow() + timedelta(days=2))
    start = datetime.combine(local_time.today() + timedelta(days=1), datetime.min.time(), tzinfo=local_time.BRUSSELS)
    session = make_training_session(make_classroom_course(title="Safety basics"),
                                    parts=[(start + timedelta(hours=9), start + timedelta(hours=12))])
    make_registration(session, world.pieter)
    send_reminders()
    return {"assignment_due_soon": (["Hello Pieter,", "The course", "http"], 0),
            "assignment_overdue": (["Hello Anna,", "The course", "If the course", "http"], 0),
            "assignment_overdue_manager": (["Hello Pieter,", "These courses", "- ", "The training matrix"], 1),
            "session_tomorrow": (["Hello Pieter,", "Tomorrow you follow", "Place: Antwerpen", "If you cannot come",
                                  "http"], 0),
            "company_digest": (["Hello Hilde,", "Your weekly overview", "Overdue: 1 required course.", "- ",
                                "Certificates expiring within 30 days: 0.",
                                "Completed in the last 7 days: 0 courses.", "Training matrix:", "Certificates:"], 1)}


TRIGGERS = [password_reset, welcome, invitation, account_locked, two_step_disabled, two_step_reset, training_assigned,
            classroom_registration, certificate_issued, certificates_expiring, privacy_request_decided,
            privacy_request_erased, privacy_inactive_warning, privacy_incident, privacy_offer, privacy_campaign,
            required_training_reminders,
            classroom_session_changed]


def test_the_triggers_cover_every_mail_template():
    folder = Path(current_app.root_path).parent / "templates" / "mail"
    templates = {path.stem for path in folder.glob("*.txt") if not path.stem.startswith("_")}
    assert templates == set().union(*(trigger.templates for trigger in TRIGGERS))


def _kind(row):
    """What a mail of this template is about, for templates that say several things."""
    if row.template == "classroom_registration":
        return next(event for event in ("registered", "waitlisted", "cancelled", "promoted")
                    if row.subject == _SUBJECTS[event])
    if row.template == "classroom_session_changed":
        return "moved" if row.subject == "Your session has new dates or a new place" else "called_off"
    if row.template == "certificate_issued":
        return ("reissue" if "It replaces" in row.body_text
                else "manual" if "Forklift" in row.body_text else "automatic")
    return None


_SUBJECTS = {"registered": "Your place in the session is confirmed", "waitlisted": "You are on the waiting list",
             "promoted": "A place has become free for you", "cancelled": "Your registration has been cancelled"}


def _sent_mails(world, browser, trigger, outbox):
    expected = trigger(world, browser)
    db.session.commit()
    deliver_pending()
    by_id = {mail["Message-ID"]: mail for mail in outbox}
    found = {}
    for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        key = row.template if _kind(row) is None else (row.template, _kind(row))
        if key in expected:
            found[key] = (row, by_id[backends.message_id(row, current_app.config)])
    assert set(found) == set(expected)
    assert {key if isinstance(key, str) else key[0] for key in expected} == trigger.templates
    return [(key, *found[key], *expected[key]) for key in expected]


def _parsed(mail):
    """The message as the SMTP transport writes it, parsed back by a standards-following reader."""
    raw = mail.as_bytes(policy=mail.policy.clone(linesep="\r\n"))
    return BytesParser(policy=policy.default).parsebytes(raw)


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda trigger: trigger.__name__)
def test_every_mail_parses_without_defects_and_has_date_and_message_id(world, browser, outbox, trigger):
    for _key, row, mail, _starts, _items in _sent_mails(world, browser, trigger, outbox):
        parsed = _parsed(mail)
        assert [part.defects for part in parsed.walk()] == [[] for _ in parsed.walk()]
        assert all(not value.defects for value in parsed.values())
        assert parsed["Date"].datetime == row.created_at.replace(microsecond=0)
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", parsed["Message-ID"])


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda trigger: trigger.__name__)
def test_marketing_mail_names_its_unsubscribe_link_literally_and_no_other_mail_has_one(world, browser, outbox,
                                                                                       trigger):
    for _key, row, mail, _starts, _items in _sent_mails(world, browser, trigger, outbox):
        raw = dict(_parsed(mail).raw_items())
        if row.kind != MARKETING:
            assert "List-Unsubscribe" not in raw
            continue
        unsubscribe = raw["List-Unsubscribe"].replace("\r\n", "").strip()
        assert len("List-Unsubscribe: " + unsubscribe) > 78  # long enough for Python to fold it
        assert UNSUBSCRIBE.match(unsubscribe) and "=?" not in unsubscribe, unsubscribe
        assert raw["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda trigger: trigger.__name__)
def test_plain_text_keeps_paragraphs_and_list_items_on_their_own_lines(world, browser, outbox, trigger):
    for key, _row, mail, starts, items in _sent_mails(world, browser, trigger, outbox):
        text = _parsed(mail).get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "\n\n\n" not in text, (key, text)
        for start in starts:
            assert re.search(r"(\A|\n\n)" + re.escape(start), text), (key, start, text)
        item_lines = [line for line in text.splitlines() if line.startswith("- ")]
        assert len(item_lines) == items, (key, text)
        for line in text.splitlines():
            prose = URL.sub("", line)
            assert not GLUED_ITEM.search(prose) and not GLUED_SENTENCE.search(prose), (key, line)


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda trigger: trigger.__name__)
def test_plain_text_has_one_signature_separator_with_the_sender_below_it(world, browser, outbox, trigger):
    # Mail readers hide or grey out everything below the first "-- " line: the unsubscribe link comes after it.
    for key, _row, mail, _starts, _items in _sent_mails(world, browser, trigger, outbox):
        lines = _parsed(mail).get_body(("plain",)).get_content().replace("\r\n", "\n").split("\n")
        assert lines.count("-- ") == 1, (key, lines)
        assert lines[lines.index("-- ") + 1].startswith("Oscart Group NV"), (key, lines)
