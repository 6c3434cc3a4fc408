from oscart.auth.models import UserSession
from oscart.extensions import db
from tests.factories import make_company, make_user


def test_logout_revokes_the_server_side_session(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email)
    copied_cookie = browser.client.get_cookie("session").value
    browser.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied_cookie)
    response = thief.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(db.select(UserSession.revoked_at)) is not None


def test_remember_cookie_only_when_ticked(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    assert browser.client.get_cookie("oscart_remember") is None


def test_remember_me_survives_end_of_browser_session(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email, remember=True)
    remember = browser.client.get_cookie("oscart_remember")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember.value)
    assert fresh.get("/training/dashboard").status_code == 200
