"""Password hashing and the rules for choosing a password; the own-profile and password pages."""

import pytest
from argon2 import PasswordHasher

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.core.extensions import db
from oscart.core.security import hash_password
from tests.factories import PASSWORD, make_company, make_user

NEW = "a brand new passphrase"


def change_password(browser, current=PASSWORD, new=NEW, confirm=None):
    return browser.submit("/account/password", {"current_password": current, "new_password": new,
                                                "confirm": new if confirm is None else confirm},
                          form_page="/account/password")


def test_passwords_are_hashed_with_argon2id(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_rehashes_when_the_argon2_parameters_change(browser, app):
    user = make_user(company=make_company())
    old_hash = user.password_hash
    assert "t=1" in old_hash
    app.config["ARGON2_TIME_COST"] = 2
    try:
        assert browser.login(user.email).status_code == 302
    finally:
        app.config["ARGON2_TIME_COST"] = 1
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert ",t=2," in user.password_hash or "t=2" in user.password_hash.split("$")[3]


def test_login_keeps_the_hash_when_parameters_are_unchanged(browser):
    user = make_user(company=make_company())
    old_hash = user.password_hash
    browser.login(user.email)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_password_is_nfkc_normalised(browser):
    # Full-width letters and the "ﬁ" ligature are the same password as their plain forms.
    user = make_user(company=make_company(), password="ｃｏｒｒｅｃｔ horse ﬁsh battery")
    assert browser.login(user.email, "correct horse fish battery").status_code == 302


def test_long_password_is_not_truncated(browser):
    password = "x" * 200 + "y" * 824  # 1,024 characters, the maximum
    user = make_user(company=make_company(), password=password)
    assert browser.login(user.email, password[:-1] + "z").status_code == 200
    assert browser.login(user.email, password).status_code == 302


def test_too_long_password_is_refused_before_hashing(browser, monkeypatch):
    user = make_user(company=make_company())
    calls = []
    monkeypatch.setattr(PasswordHasher, "verify", lambda *args: calls.append(args))
    monkeypatch.setattr(PasswordHasher, "hash", lambda *args: calls.append(args))
    response = browser.login(user.email, "x" * 1025)
    assert response.status_code == 200
    assert "Gebruik hoogstens 1024 tekens." in response.text
    assert calls == []


# --- Changing one's password ------------------------------------------------------------------------

def test_user_changes_password_and_logs_in_with_the_new_one(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    response = change_password(browser)
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    assert "Uw wachtwoord is gewijzigd" in browser.get("/account/").text
    browser.logout()
    assert browser.login(user.email).status_code == 200
    assert browser.login(user.email, NEW).status_code == 302
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "password.changed"))


def test_password_change_needs_the_current_password(browser):
    user = make_user(company=make_company())
    old_hash = user.password_hash
    browser.login(user.email)
    response = change_password(browser, current="not my password")
    assert response.status_code == 200
    assert "Het wachtwoord is niet juist." in response.text
    db.session.refresh(user)
    assert user.password_hash == old_hash


@pytest.mark.parametrize(("new", "message"), [
    ("short pass", "Gebruik minstens 12 tekens."),
    ("q1w2e3r4t5y6", "Dit wachtwoord komt te vaak voor."),
    ("Q1W2E3R4T5Y6", "Dit wachtwoord komt te vaak voor."),
    ("x" * 1025, "Gebruik hoogstens 1024 tekens."),
])
def test_weak_or_overlong_new_password_is_refused(browser, new, message):
    user = make_user(company=make_company())
    old_hash = user.password_hash
    browser.login(user.email)
    response = change_password(browser, new=new)
    assert response.status_code == 200
    assert message in response.text
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_no_composition_rules_twelve_lowercase_letters_are_fine(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    assert change_password(browser, new="plainletters").status_code == 302


def test_repeated_password_must_match(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    response = change_password(browser, confirm="something else entirely")
    assert "De twee wachtwoorden komen niet overeen." in response.text


def test_password_change_ends_other_sessions_and_remember_cookies_but_keeps_this_one(browser, app):
    user = make_user(company=make_company())
    other = type(browser)(app.test_client())
    other.login(user.email, remember=True)
    remember = other.client.get_cookie("oscart_remember").value
    browser.login(user.email)
    change_password(browser)
    assert browser.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember)
    assert fresh.get("/dashboard").status_code == 302
    live = db.session.scalar(db.select(db.func.count(UserSession.id)).where(UserSession.revoked_at.is_(None)))
    assert live == 1


# --- Profile ----------------------------------------------------------------------------------------

def test_user_edits_own_profile(browser):
    user = make_user(company=make_company(), language="nl")
    browser.login(user.email)
    response = browser.submit("/account/", {"first_name": "Annie", "last_name": "Janssens", "language": "fr"},
                              form_page="/account/")
    assert response.status_code == 302
    page = browser.get("/account/").text
    assert "Votre profil a été enregistré." in page
    assert 'lang="fr"' in page
    db.session.refresh(user)
    assert (user.first_name, user.last_name, user.language) == ("Annie", "Janssens", "fr")


@pytest.mark.parametrize(("data", "message"), [
    ({"first_name": "", "last_name": "J", "language": "nl"}, "Vul dit veld in."),
    ({"first_name": "A" * 101, "last_name": "J", "language": "nl"}, "Gebruik hoogstens 100 tekens."),
    ({"first_name": "An\x00na", "last_name": "J", "language": "nl"}, "Dit veld bevat tekens die niet toegestaan zijn."),
    ({"first_name": "Anna", "last_name": "J", "language": "xx"}, "Ongeldige keuze."),
])
def test_profile_refuses_bad_input_with_a_translated_message(browser, data, message):
    user = make_user(company=make_company(), first_name="Anna")
    browser.login(user.email)
    response = browser.submit("/account/", data, form_page="/account/")
    assert response.status_code == 200
    assert message in response.text
    db.session.refresh(user)
    assert user.first_name == "Anna"


def test_profile_page_needs_login(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_email_is_stored_normalised(app):
    from oscart.admin.services import create_user

    admin = make_user(role="platform_admin")
    user = create_user(actor=admin, email=" Bruno@Globex.EXAMPLE ", first_name="Bruno", last_name="M",
                       role="trainer", company_id=None, language="fr")
    db.session.commit()
    assert db.session.get(User, user.id).email == "bruno@globex.example"


def test_hash_of_the_same_password_differs_each_time(app):
    assert hash_password(PASSWORD) != hash_password(PASSWORD)
