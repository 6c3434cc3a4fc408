"""Invitations: a company admin invites people by e-mail; the single-use link opens a trainee account."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.companies import invitations
from oscart.companies.models import Invitation
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE
from oscart.mail.models import OutboxMessage
from oscart.privacy.erasure import erase_user
from tests.factories import make_company, make_user
from tests.helpers import mail_link

PASSWORD = "a brand new passphrase"


@pytest.fixture
def company():
    return make_company(name="Acme Test")


@pytest.fixture
def admin(company):
    return make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hanna", last_name="Roels")


@pytest.fixture
def hr(browser, admin):
    browser.login(admin.email)
    return browser


def invite(browser, addresses, language="nl"):
    return browser.submit("/company/invitations", {"addresses": addresses, "language": language},
                          form_page="/company/invitations")


def flashes(browser, response):
    assert response.status_code == 302, response.text
    return browser.get(response.headers["Location"]).text


def accept(browser, link, *, language="fr", first_name="Zoé", last_name="Dubois", password=PASSWORD,
           confirm=None):
    path = urlsplit(link).path
    return browser.submit(path, {"first_name": first_name, "last_name": last_name, "language": language,
                                 "password": password, "confirm": confirm or password}, form_page=path)


def open_invitations(company):
    return db.session.scalars(select(Invitation.email).where(Invitation.company_id == company.id,
                                                             Invitation.accepted_at.is_(None),
                                                             Invitation.revoked_at.is_(None))
                              .order_by(Invitation.id)).all()


def test_one_address_is_invited_with_a_mail_in_the_chosen_language(hr, company, outbox):
    page = flashes(hr, invite(hr, "Zoe.Dubois@Example.org", language="fr"))
    assert "1 invitation sent." in page
    assert open_invitations(company) == ["zoe.dubois@example.org"]
    (message,) = outbox
    assert message["To"] == "zoe.dubois@example.org"
    assert message["Subject"] == "Vous êtes invité(e) sur le portail de formation Oscart"
    body = message.get_body(("plain",)).get_content()
    assert "Hanna Roels" in body and "Acme Test" in body
    assert "14 jours" in body
    assert mail_link(message).startswith("https://portal.oscart.example/company/join/")


def test_a_pasted_list_is_split_on_commas_semicolons_and_new_lines_without_duplicates(hr, company, outbox):
    pasted = "a@example.org, b@example.org;c@example.org\nA@example.org\r\n\nAnna Test <d@example.org>; b@example.org"
    page = flashes(hr, invite(hr, pasted))
    assert "4 invitations sent." in page
    assert open_invitations(company) == ["a@example.org", "b@example.org", "c@example.org", "d@example.org"]
    assert sorted(message["To"] for message in outbox) == ["a@example.org", "b@example.org", "c@example.org",
                                                           "d@example.org"]


def test_malformed_addresses_are_named_and_nothing_typed_is_lost(hr, company, outbox):
    typed = "good@example.org, not-an-address; also@bad"
    response = invite(hr, typed)
    assert response.status_code == 200
    assert "These addresses are not valid: not-an-address, also@bad" in response.text
    assert typed in response.text  # the textarea keeps everything
    assert open_invitations(company) == [] and outbox == []


def test_the_token_is_stored_only_as_a_hash(hr, outbox):
    invite(hr, "zoe@example.org")
    token = urlsplit(mail_link(outbox[0])).path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(Invitation.token_hash))
    assert token not in stored and len(stored) == 64


def test_accepting_creates_one_trainee_in_the_company_and_lands_on_the_dashboard(app, hr, company, outbox):
    invite(hr, "zoe@example.org", language="nl")
    visitor = type(hr)(app.test_client())
    form = visitor.get(urlsplit(mail_link(outbox[0])).path)
    assert form.status_code == 200
    assert '<option selected value="nl">' in form.text  # the invitation's language is preselected
    response = accept(visitor, mail_link(outbox[0]), language="fr")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert visitor.get("/dashboard").status_code == 200
    (user,) = db.session.scalars(select(User).where(User.email == "zoe@example.org")).all()
    assert (user.company_id, user.role, user.language, user.first_name) == (company.id, TRAINEE, "fr", "Zoé")
    assert user.password_hash.startswith("$argon2id$")
    assert db.session.scalar(select(Invitation.accepted_user_id)) == user.id


def test_a_second_accept_of_the_same_link_fails(app, hr, outbox):
    invite(hr, "zoe@example.org")
    link = mail_link(outbox[0])
    visitor = type(hr)(app.test_client())
    assert accept(visitor, link).status_code == 302
    again = accept(type(hr)(app.test_client()), link, first_name="Other")
    assert again.status_code == 410
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "zoe@example.org")) == 1


def test_a_weak_password_keeps_the_link_and_what_was_typed(app, hr, outbox):
    invite(hr, "zoe@example.org")
    visitor = type(hr)(app.test_client())
    response = accept(visitor, mail_link(outbox[0]), first_name="Zoé", password="short")
    assert response.status_code == 200
    assert 'value="Zoé"' in response.text
    assert accept(visitor, mail_link(outbox[0])).status_code == 302


def test_the_link_works_once_when_two_accepts_race(hr, company, outbox):
    invite(hr, "zoe@example.org")
    token = urlsplit(mail_link(outbox[0])).path.rsplit("/", 1)[1]
    first = invitations.accept_invitation(token, first_name="Z", last_name="D", password=PASSWORD, language="nl")
    # The second request checked the link before the first one used it: the conditional UPDATE refuses it.
    invitation = db.session.scalar(select(Invitation))
    db.session.expire(invitation)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(invitations, "invitation_for_token", lambda token, now=None: invitation)
        with pytest.raises(invitations.RuleViolation):
            invitations.accept_invitation(token, first_name="Y", last_name="E", password=PASSWORD, language="nl")
    assert db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id)) == 2
    assert first.email == "zoe@example.org"


def test_an_expired_link_fails(app, hr, outbox, monkeypatch):
    invite(hr, "zoe@example.org")
    later = utcnow() + timedelta(days=invitations.VALID_DAYS, minutes=1)
    monkeypatch.setattr(invitations, "utcnow", lambda: later)
    visitor = type(hr)(app.test_client())
    response = visitor.get(urlsplit(mail_link(outbox[0])).path)
    assert response.status_code == 410
    assert "Deze uitnodiging is verlopen" in response.text
    assert accept(visitor, mail_link(outbox[0])).status_code == 410
    assert db.session.scalar(select(User.id).where(User.email == "zoe@example.org")) is None


def test_a_link_is_still_valid_just_before_it_expires(app, hr, outbox, monkeypatch):
    invite(hr, "zoe@example.org")
    later = utcnow() + timedelta(days=invitations.VALID_DAYS, minutes=-1)
    monkeypatch.setattr(invitations, "utcnow", lambda: later)
    assert accept(type(hr)(app.test_client()), mail_link(outbox[0])).status_code == 302


def test_a_revoked_link_fails_and_the_revocation_is_audited(app, hr, company, outbox):
    invite(hr, "zoe@example.org")
    invitation_id = db.session.scalar(select(Invitation.id))
    page = flashes(hr, hr.submit(f"/company/invitations/{invitation_id}/revoke", form_page="/company/invitations"))
    assert "The invitation of zoe@example.org has been withdrawn." in page
    assert open_invitations(company) == []
    response = accept(type(hr)(app.test_client()), mail_link(outbox[0]))
    assert response.status_code == 410
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target == f"invitation:{invitation_id}")
                             .order_by(AuditEvent.seq.desc())) == "invitation.revoked"


def test_resend_sends_a_new_link_and_the_old_one_stops_working(app, hr, outbox, monkeypatch):
    invite(hr, "zoe@example.org")
    old_link = mail_link(outbox[0])
    invitation_id = db.session.scalar(select(Invitation.id))
    later = utcnow() + timedelta(days=10)
    monkeypatch.setattr(invitations, "utcnow", lambda: later)
    page = flashes(hr, hr.submit(f"/company/invitations/{invitation_id}/resend", form_page="/company/invitations"))
    assert "A new invitation has been sent to zoe@example.org." in page
    new_link = mail_link(outbox[1])
    assert new_link != old_link
    assert db.session.get(Invitation, invitation_id).expires_at == later + timedelta(days=14)
    assert accept(type(hr)(app.test_client()), old_link).status_code == 410
    assert accept(type(hr)(app.test_client()), new_link).status_code == 302


def test_the_pending_list_shows_open_invitations_of_the_own_company_only(hr, company, admin):
    other = make_company(name="Globex Test")
    db.session.add_all([
        Invitation(company_id=company.id, email="mine@example.org", language="de", invited_by_id=admin.id,
                   expires_at=utcnow() + timedelta(days=3), token_hash="1" * 64),
        Invitation(company_id=other.id, email="theirs@example.org", language="nl",
                   expires_at=utcnow() + timedelta(days=3), token_hash="2" * 64),
        Invitation(company_id=company.id, email="done@example.org", language="nl", accepted_at=utcnow(),
                   expires_at=utcnow() + timedelta(days=3), token_hash="3" * 64),
    ])
    db.session.commit()
    page = hr.get("/company/invitations").text
    assert "mine@example.org" in page and "Deutsch" in page and "Hanna Roels" in page
    assert "theirs@example.org" not in page and "done@example.org" not in page


def test_an_address_of_another_company_gets_the_same_outcome_as_any_refused_address(hr, company, outbox):
    globex = make_company(name="Globex Secret")
    make_user(company=globex, email="bruno@globex.example")
    make_user(role="trainer", email="trainer@oscart.example")  # an address that cannot be invited either
    elsewhere = flashes(hr, invite(hr, "bruno@globex.example"))
    staff = flashes(hr, invite(hr, "trainer@oscart.example"))
    assert "1 address could not be invited: bruno@globex.example" in elsewhere
    assert "1 address could not be invited: trainer@oscart.example" in staff
    assert elsewhere.replace("bruno@globex.example", "X") == staff.replace("trainer@oscart.example", "X")
    assert "Globex" not in elsewhere
    assert outbox == [] and db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert open_invitations(company) == []
    details = db.session.scalars(select(AuditEvent.details).where(AuditEvent.company_id == company.id)).all()
    assert "globex" not in str(details).lower()


def test_an_address_in_the_own_company_already_has_an_account(hr, company, outbox):
    make_user(company=company, email="colleague@example.org")
    page = flashes(hr, invite(hr, "colleague@example.org, new@example.org"))
    assert "1 invitation sent." in page
    assert "1 address already has an account in your company: colleague@example.org" in page
    assert [message["To"] for message in outbox] == ["new@example.org"]


def test_an_address_invited_by_another_company_can_be_invited_too(hr, company, outbox):
    other = make_company(name="Globex Test")
    db.session.add(Invitation(company_id=other.id, email="zoe@example.org", language="nl",
                              expires_at=utcnow() + timedelta(days=3), token_hash="9" * 64))
    db.session.commit()
    page = flashes(hr, invite(hr, "zoe@example.org"))
    assert "1 invitation sent." in page
    assert open_invitations(company) == ["zoe@example.org"]


def test_an_address_already_invited_is_not_invited_twice(hr, company, outbox):
    invite(hr, "zoe@example.org")
    page = flashes(hr, invite(hr, "zoe@example.org"))
    assert "1 address has already been invited" in page
    assert len(outbox) == 1 and open_invitations(company) == ["zoe@example.org"]


def test_accepting_fails_when_the_address_got_an_account_meanwhile(app, hr, outbox):
    invite(hr, "zoe@example.org")
    make_user(company=make_company(), email="zoe@example.org")
    response = accept(type(hr)(app.test_client()), mail_link(outbox[0]))
    assert response.status_code == 410
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "zoe@example.org")) == 1


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_a_foreign_invitation_id_answers_404(hr, action):
    other = make_company(name="Globex Test")
    foreign = Invitation(company_id=other.id, email="zoe@example.org", language="nl",
                         expires_at=utcnow() + timedelta(days=3), token_hash="8" * 64)
    db.session.add(foreign)
    db.session.commit()
    response = hr.submit(f"/company/invitations/{foreign.id}/{action}", form_page="/company/invitations")
    assert response.status_code == 404
    assert db.session.get(Invitation, foreign.id).revoked_at is None


def test_sending_and_accepting_are_audited(app, hr, company, admin, outbox):
    invite(hr, "zoe@example.org")
    accept(type(hr)(app.test_client()), mail_link(outbox[0]))
    events = db.session.execute(select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.company_id)
                                .where(AuditEvent.action.like("invitation.%")).order_by(AuditEvent.seq)).all()
    user_id = db.session.scalar(select(User.id).where(User.email == "zoe@example.org"))
    assert [tuple(event) for event in events] == [("invitation.sent", admin.id, company.id),
                                                  ("invitation.accepted", user_id, company.id)]


@pytest.mark.config(RATELIMIT_INVITATIONS="2 per hour")
def test_invitations_are_rate_limited_per_admin(hr, outbox):
    assert invite(hr, "a@example.org").status_code == 302
    assert invite(hr, "b@example.org").status_code == 302
    assert invite(hr, "c@example.org").status_code == 429
    assert len(outbox) == 2


def test_a_company_requiring_two_step_for_everyone_sends_the_new_trainee_to_set_up(app, browser, outbox):
    company = make_company(two_step_policy="all")
    admin = make_user(role=COMPANY_ADMIN, company=company)
    invitations.invite_people(admin, text="zoe@example.org", language="nl")
    db.session.commit()
    response = accept(browser, mail_link_of_outbox_row())
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/two-step/setup"
    assert browser.get("/dashboard").status_code == 302  # not logged in until two-step is set up
    assert browser.get("/login/two-step/setup").status_code == 200


def mail_link_of_outbox_row():
    body = db.session.scalar(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc()))
    return next(word for word in body.split() if word.startswith("https://"))


@pytest.mark.parametrize("language, text", [("nl", "Uitnodigingen"), ("fr", "Invitations"),
                                            ("de", "Einladungen"), ("en", "Invitations")])
def test_the_page_speaks_the_admins_language(browser, company, language, text):
    user = make_user(role=COMPANY_ADMIN, company=company, language=language)
    browser.login(user.email)
    assert f"<h1>{text}</h1>" in browser.get("/company/invitations").text


def test_the_employees_page_links_to_invitations(hr):
    assert 'href="/company/invitations"' in hr.get("/company/employees").text


def test_erasing_a_person_removes_their_invitations(app, hr, company, outbox):
    invite(hr, "zoe@example.org")
    accept(type(hr)(app.test_client()), mail_link(outbox[0]))
    user = db.session.scalar(select(User).where(User.email == "zoe@example.org"))
    erase_user(user, actor=make_user(role="platform_admin"))
    db.session.commit()
    assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.email == "zoe@example.org")) == 0
