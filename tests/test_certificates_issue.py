"""Issuing: automatically on completion (e-learning, classroom), by hand, re-issue, revoke; idempotent."""

import hashlib
from datetime import UTC, date, datetime
from io import BytesIO
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.certificates import issuing
from oscart.certificates.codes import ALPHABET, normalize_code
from oscart.certificates.models import REVOKED, SUPERSEDED, VALID, Certificate
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.training.completion import complete_enrolment
from tests.factories import make_certificate, make_company, make_course, make_enrolment, make_user


def pdf_text(data):
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages)


def count_certificates():
    return db.session.scalar(select(func.count(Certificate.id)))


def test_elearning_completion_issues_certificate_in_trainees_language():
    trainee = make_user(company=make_company(), first_name="Anna", last_name="Jansen", language="nl")
    course = make_course(titles={"nl": "Veilig werken op hoogte", "en": "Working safely at height"}, hours="7.5",
                         validity_months=36)
    certificate = make_certificate(trainee, course, completed_at=datetime(2026, 3, 12, 15, tzinfo=UTC))
    assert certificate.language == "nl"
    assert certificate.course_title == "Veilig werken op hoogte"
    assert certificate.completed_on == date(2026, 3, 12)
    assert certificate.valid_until == date(2029, 3, 12)
    assert certificate.place is None and certificate.session_id is None
    text = pdf_text(certificate.pdf)
    for expected in ("Anna Jansen", "Veilig werken op hoogte", "7,5", "12 maart 2026", "12 maart 2029",
                     "Oscart Group NV", certificate.code, f"/verify/{certificate.code}"):
        assert expected in text
    assert certificate.pdf_sha256 == hashlib.sha256(certificate.pdf).hexdigest()


def test_classroom_completion_prints_session_place_trainer_and_days():
    trainer = make_user(first_name="Thomas", last_name="Dubois")
    session = SimpleNamespace(id=41, place="Oscart Campus, Antwerpen", trainer=trainer,
                              starts_at=datetime(2026, 3, 11, 8, tzinfo=UTC),
                              ends_at=datetime(2026, 3, 12, 16, tzinfo=UTC))
    trainee = make_user(company=make_company(), language="en")
    certificate = make_certificate(trainee, session=session, format="classroom", titles={"en": "Forklift driving"})
    assert (certificate.session_id, certificate.place, certificate.trainer_name) == (41, "Oscart Campus, Antwerpen",
                                                                                      "Thomas Dubois")
    assert (certificate.started_on, certificate.completed_on) == (date(2026, 3, 11), date(2026, 3, 12))
    text = pdf_text(certificate.pdf)
    assert "Oscart Campus, Antwerpen" in text and "Thomas Dubois" in text
    assert "11 March 2026 – 12 March 2026" in text


def test_session_object_with_other_attribute_names_still_works():
    trainer = make_user(first_name="Marie", last_name="Peeters")
    session = SimpleNamespace(id=7, location="Gent", trainer_id=trainer.id, start=date(2026, 5, 4),
                              end=date(2026, 5, 4))
    certificate = make_certificate(make_user(company=make_company()), session=session)
    assert (certificate.place, certificate.trainer_name, certificate.completed_on) == ("Gent", "Marie Peeters",
                                                                                       date(2026, 5, 4))
    assert certificate.started_on is None


def test_completing_twice_issues_one_certificate():
    trainee = make_user(company=make_company())
    course = make_course()
    enrolment = make_enrolment(trainee, course)
    assert complete_enrolment(enrolment, actor=trainee) is True
    assert complete_enrolment(enrolment, actor=trainee) is False
    first = issuing.issue_for_enrolment(enrolment, actor=trainee)
    db.session.commit()
    assert count_certificates() == 1
    assert issuing.issue_for_enrolment(enrolment, actor=trainee).id == first.id


def test_concurrent_issue_keeps_the_first_and_stores_nothing_else(monkeypatch):
    trainee = make_user(company=make_company())
    enrolment = make_enrolment(trainee, make_course())
    complete_enrolment(enrolment, actor=trainee)
    db.session.commit()
    # The other request's check ran before this one's insert: it finds nothing, renders, and inserts.
    real, calls = issuing._by_key, []

    def check_too_early(key):
        calls.append(key)
        return None if len(calls) == 1 else real(key)

    monkeypatch.setattr(issuing, "_by_key", check_too_early)
    second = issuing.issue_for_enrolment(enrolment, actor=trainee)
    db.session.commit()
    assert count_certificates() == 1
    assert second.pdf_sha256 == db.session.scalar(select(Certificate.pdf_sha256))


def test_failed_rendering_leaves_no_certificate_and_no_completion(monkeypatch):
    trainee = make_user(company=make_company())
    enrolment = make_enrolment(trainee, make_course())

    def broken(facts):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(issuing, "render_certificate", broken)
    with pytest.raises(RuntimeError):
        complete_enrolment(enrolment, actor=trainee)
    db.session.rollback()
    assert count_certificates() == 0
    db.session.refresh(enrolment)
    assert enrolment.status != "completed"


def test_issued_bytes_never_change_after_name_or_title_change(client):
    trainee = make_user(company=make_company(), first_name="Anna", last_name="Jansen")
    certificate = make_certificate(trainee)
    original = certificate.pdf
    trainee.first_name = "Annabel"
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).pdf == original
    assert "Anna Jansen" in pdf_text(original)


def test_html_in_names_prints_literally_and_adds_no_attachment():
    name = '<img src=file:///etc/passwd><a rel="attachment" href="file:///etc/passwd">x</a>'
    trainee = make_user(company=make_company(), first_name=name[:100], last_name="Evil")
    certificate = make_certificate(trainee)
    text = pdf_text(certificate.pdf)
    assert "<img src=file:///etc/passwd>" in text
    assert b"/EmbeddedFiles" not in certificate.pdf
    assert b"root:x:0:0" not in certificate.pdf


def test_verification_code_is_four_groups_of_four_from_unambiguous_alphabet():
    code = make_certificate(make_user(company=make_company())).code
    groups = code.split("-")
    assert [len(group) for group in groups] == [4, 4, 4, 4]
    assert all(ch in ALPHABET for ch in "".join(groups))
    assert not set("0O1IL5S2Z8BUV") & set(ALPHABET)
    assert normalize_code(code.lower().replace("-", " ")) == code


def test_reissue_supersedes_old_and_uses_current_name():
    admin = make_user(role=PLATFORM_ADMIN)
    trainee = make_user(company=make_company(), first_name="Ana", last_name="Jansen")
    old = make_certificate(trainee, validity_months=12)
    trainee.first_name = "Anna"
    new = issuing.reissue_certificate(old, actor=admin, reason="Name corrected")
    db.session.commit()
    assert new.reissue_of_id == old.id and new.code != old.code
    assert (new.completed_on, new.valid_until) == (old.completed_on, old.valid_until)
    assert "Anna Jansen" in pdf_text(new.pdf)
    today = date.today()
    assert old.status(today) == SUPERSEDED and new.status(today) == VALID
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissued"))
    assert event.details["reason"] == "Name corrected" and event.actor_id == admin.id
    with pytest.raises(RuleViolation):
        issuing.reissue_certificate(old, actor=admin, reason="again")


def test_revoke_needs_reason_and_happens_once():
    admin = make_user(role=PLATFORM_ADMIN)
    certificate = make_certificate(make_user(company=make_company()))
    with pytest.raises(RuleViolation):
        issuing.revoke_certificate(certificate, actor=admin, reason="  ")
    issuing.revoke_certificate(certificate, actor=admin, reason="Issued to the wrong person")
    db.session.commit()
    assert certificate.status(date.today()) == REVOKED
    with pytest.raises(RuleViolation):
        issuing.revoke_certificate(certificate, actor=admin, reason="again")


def test_admin_issues_by_hand_with_reason_audited(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    trainee = make_user(company=make_company(), language="fr")
    course = make_course(titles={"fr": "Premiers secours", "nl": "Eerste hulp"})
    browser.login(admin.email)
    data = {"email": trainee.email.upper(), "course": course.id, "completed_on": "2026-02-03",
            "place": "Liège", "reason": "Training given on site before the portal existed"}
    response = browser.submit("/certificates/manage/issue", data, form_page="/certificates/manage/issue")
    assert response.status_code == 302
    certificate = db.session.scalar(select(Certificate))
    assert (certificate.course_title, certificate.place, certificate.origin) == ("Premiers secours", "Liège", "manual")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.issued_manually"))
    assert event.details["reason"] == data["reason"]
    again = browser.submit("/certificates/manage/issue", data, form_page="/certificates/manage/issue")
    assert again.status_code == 200 and count_certificates() == 1


@pytest.mark.parametrize("field,value", [("reason", "x" * 501), ("place", "p" * 201), ("trainer_name", "t" * 201)])
def test_manual_issue_refuses_over_long_values(browser, field, value):
    admin = make_user(role=PLATFORM_ADMIN)
    trainee = make_user(company=make_company())
    course = make_course()
    browser.login(admin.email)
    data = {"email": trainee.email, "course": course.id, "completed_on": "2026-02-03", "reason": "ok", field: value}
    response = browser.submit("/certificates/manage/issue", data, form_page="/certificates/manage/issue")
    assert response.status_code == 200
    assert count_certificates() == 0


@pytest.mark.parametrize("role", [COMPANY_ADMIN, "trainee"])
def test_only_platform_admins_issue_reissue_and_revoke(browser, role):
    company = make_company()
    certificate = make_certificate(make_user(company=company))
    browser.login(make_user(role=role, company=company).email)
    assert browser.get("/certificates/manage/issue").status_code == 403
    response = browser.submit(f"/certificates/manage/{certificate.id}/revoke", {"revoke-reason": "x"})
    assert response.status_code == 403
    assert certificate.revoked_at is None


def test_admin_revokes_and_reissues_through_the_pages(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    certificate = make_certificate(make_user(company=make_company()))
    browser.login(admin.email)
    page = f"/certificates/manage/{certificate.id}"
    assert browser.get(page).status_code == 200
    response = browser.submit(f"{page}/reissue", {"reissue-reason": "Typo"}, form_page=page)
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = browser.submit(f"/certificates/manage/{new_id}/revoke", {"revoke-reason": ""}, form_page=page)
    assert response.status_code == 400
    response = browser.submit(f"/certificates/manage/{new_id}/revoke", {"revoke-reason": "Fraud"}, form_page=page)
    assert response.status_code == 302
    assert db.session.get(Certificate, new_id).revoked_reason == "Fraud"


def test_two_requests_issuing_at_once_store_one_certificate(app, monkeypatch):
    """Two threads, each with its own connection, both past the 'already issued?' check at the same time."""
    import threading

    trainee = make_user(company=make_company())
    enrolment = make_enrolment(trainee, make_course())
    complete_enrolment(enrolment, actor=trainee)
    db.session.commit()
    db.session.query(Certificate).delete()  # as if the completion had not issued yet
    db.session.commit()
    enrolment_id = enrolment.id
    barrier, real_render, results = threading.Barrier(2, timeout=20), issuing.render_certificate, []

    def render_together(facts):
        pdf = real_render(facts)
        barrier.wait()
        return pdf

    monkeypatch.setattr(issuing, "render_certificate", render_together)

    def request():
        with app.app_context():
            from oscart.training.models import Enrolment

            certificate = issuing.issue_for_enrolment(db.session.get(Enrolment, enrolment_id))
            results.append(certificate.code)
            db.session.commit()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    stored = db.session.scalars(select(Certificate.code)).all()
    assert len(stored) == 1 and len(results) == 2
