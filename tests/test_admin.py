"""Platform administration: companies, users, roles, deactivation and unlocking."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_company, make_user
from tests.helpers import mail_link


@pytest.fixture
def admin(browser):
    user = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(user.email)
    return user


def event(action):
    return db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == action))


def user_form(**overrides):
    return {"email": "nieuw@acme.example", "first_name": "Nina", "last_name": "Nieuw", "role": TRAINEE,
            "company_id": "0", "language": "nl", **overrides}


def test_admin_creates_a_company(browser, admin):
    response = browser.submit("/admin/companies/new", {"name": "Initech", "vat_number": "BE0123456789",
                                                       "default_language": "fr", "is_active": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/companies"
    page = browser.get("/admin/companies").text
    assert "Initech" in page and "The company has been saved." in page
    company = db.session.scalar(db.select(Company).where(Company.name == "Initech"))
    assert company.default_language == "fr"
    assert event("company.created").actor_id == admin.id


def test_company_names_are_unique_case_insensitively(browser, admin):
    make_company(name="Initech")
    response = browser.submit("/admin/companies/new", {"name": "INITECH", "default_language": "nl"})
    assert response.status_code == 200
    assert "A company with this name already exists." in response.text


def test_admin_creates_a_user_who_sets_a_password_from_the_welcome_mail(browser, admin, outbox, app):
    acme = make_company(name="Acme Logistics")
    response = browser.submit("/admin/users/new", user_form(email="Nina@ACME.example", company_id=str(acme.id)))
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nina@acme.example"))
    assert user.company_id == acme.id and user.password_hash is None
    assert event("user.created").actor_id == admin.id
    [mail] = outbox
    assert mail["To"] == "nina@acme.example"
    assert mail["Subject"] == "Welkom op het Oscart-opleidingsportaal"
    link = mail_link(mail)
    assert link.startswith("https://portal.oscart.example/reset/")
    nina = type(browser)(app.test_client())
    path = urlsplit(link).path
    response = nina.submit(path, {"password": "my first passphrase", "confirm": "my first passphrase"},
                           form_page=path)
    assert response.status_code == 302
    assert nina.login("nina@acme.example", "my first passphrase").status_code == 302


def test_new_user_cannot_log_in_before_choosing_a_password(browser, admin, app):
    browser.submit("/admin/users/new", user_form(role=TRAINER))
    other = type(browser)(app.test_client())
    assert other.login("nieuw@acme.example", "").status_code == 200


@pytest.mark.parametrize(("overrides", "message"), [
    ({"role": TRAINEE, "company_id": "0"}, "Trainees and company admins belong to a company."),
    ({"role": "overlord"}, "Not a valid choice"),
    ({"email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"company_id": "999999", "role": TRAINER}, "Choose one of the offered companies."),
    ({"company_id": "abc", "role": TRAINER}, "Invalid Choice: could not coerce."),
    ({"first_name": "x" * 101}, "Use at most 100 characters."),
])
def test_user_form_refuses_bad_input(browser, admin, outbox, overrides, message):
    response = browser.submit("/admin/users/new", user_form(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(db.select(User).where(User.email == "nieuw@acme.example")) is None
    assert outbox == []


def test_email_already_in_use_is_refused(browser, admin):
    make_user(email="taken@acme.example", role=TRAINER)
    response = browser.submit("/admin/users/new", user_form(email="TAKEN@acme.example", role=TRAINER))
    assert "Another account already uses this e-mail address." in response.text


def test_role_and_company_change_is_audited(browser, admin):
    acme, globex = make_company(), make_company()
    user = make_user(company=acme)
    response = browser.submit(f"/admin/users/{user.id}", user_form(email=user.email, role=COMPANY_ADMIN,
                                                                     company_id=str(globex.id), is_active="y"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.role, user.company_id) == (COMPANY_ADMIN, globex.id)
    changed = event("user.role_changed")
    assert changed.actor_id == admin.id and changed.subject_id == user.id
    assert changed.details["before"] == {"role": TRAINEE, "company_id": acme.id}
    assert changed.details["after"] == {"role": COMPANY_ADMIN, "company_id": globex.id}


def test_deactivation_ends_sessions_and_blocks_login(browser, admin, app):
    user = make_user(company=make_company())
    victim = type(browser)(app.test_client())
    victim.login(user.email, remember=True)
    remember = victim.client.get_cookie("oscart_remember").value
    response = browser.submit(f"/admin/users/{user.id}", user_form(email=user.email, company_id=str(user.company_id)))
    assert response.status_code == 302
    assert victim.get("/dashboard").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember)
    assert fresh.get("/dashboard").status_code == 302
    assert victim.login(user.email).status_code == 200
    assert event("user.deactivated").subject_id == user.id


def test_admin_cannot_demote_or_deactivate_themselves(browser, admin):
    response = browser.submit(f"/admin/users/{admin.id}", user_form(email=admin.email, role=TRAINER))
    assert "You cannot change your own role or deactivate yourself." in response.text
    db.session.refresh(admin)
    assert admin.role == PLATFORM_ADMIN


def test_admin_unlocks_a_locked_account(browser, admin, app):
    user = make_user(company=make_company(), locked_until=utcnow() + timedelta(minutes=10), failed_login_count=0)
    page = browser.get(f"/admin/users/{user.id}").text
    assert "Unlock account" in page
    response = browser.submit(f"/admin/users/{user.id}/unlock", {})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locked_until is None
    assert event("user.unlocked").actor_id == admin.id
    assert type(browser)(app.test_client()).login(user.email).status_code == 302


def test_users_list_filters_by_company_role_and_search(browser, admin):
    acme, globex = make_company(name="Acme Logistics"), make_company(name="Globex Foods")
    make_user(company=acme, first_name="Anna", last_name="Jansen")
    make_user(company=globex, first_name="Bruno", last_name="Martin")
    make_user(role=TRAINER, first_name="Thomas", last_name="Dubois")
    assert "Bruno" not in browser.get(f"/admin/users?company={acme.id}").text
    assert "Anna" not in browser.get(f"/admin/users?role={TRAINER}").text
    page = browser.get("/admin/users?q=jans").text
    assert "Anna" in page and "Bruno" not in page and "1 user<" in page


def test_users_list_survives_nonsense_filters(browser, admin):
    assert browser.get("/admin/users?company=abc&role=xx&page=zz&q=" + "x" * 500).status_code == 200
    assert browser.get("/admin/users?page=99999999999999").status_code == 200


@pytest.mark.parametrize(("count", "text"), [(1, "1 user<"), (2, "2 users<")])
def test_user_count_is_pluralised(browser, admin, count, text):
    for _ in range(count - 1):
        make_user(role=TRAINER)
    assert text in browser.get("/admin/users").text


def list_queries(browser, count_queries, path):
    browser.get(path)
    with count_queries() as counter:
        assert browser.get(path).status_code == 200
    return counter.count


def test_users_list_runs_the_same_number_of_queries_for_3_and_30_users(browser, admin, count_queries):
    acme = make_company()
    for _ in range(2):
        make_user(company=acme)
    small = list_queries(browser, count_queries, "/admin/users")
    for _ in range(27):
        make_user(company=make_company())
    assert list_queries(browser, count_queries, "/admin/users") == small


def test_companies_list_runs_the_same_number_of_queries_for_3_and_30(browser, admin, count_queries):
    for _ in range(3):
        make_user(company=make_company())
    small = list_queries(browser, count_queries, "/admin/companies")
    for _ in range(27):
        make_user(company=make_company())
    assert list_queries(browser, count_queries, "/admin/companies") == small


def test_employees_list_runs_the_same_number_of_queries_for_3_and_30(browser, count_queries, app):
    acme = make_company()
    hr = make_user(role=COMPANY_ADMIN, company=acme)
    for _ in range(2):
        make_user(company=acme)
    browser.login(hr.email)
    small = list_queries(browser, count_queries, "/company/employees")
    for _ in range(27):
        make_user(company=acme, last_login_at=utcnow())
    assert list_queries(browser, count_queries, "/company/employees") == small
    assert "Pagina 1 van 2" in browser.get("/company/employees").text
