"""The security page lists one's sessions, ends one or all others, and shows recent sign-ins."""

import re

from sqlalchemy import select

from oscart.auth.models import UserSession
from oscart.core.extensions import db
from tests.factories import make_company, make_user
from tests.helpers import Browser


def test_page_lists_sessions_and_recent_failed_attempts(app, browser):
    user = make_user(company=make_company(), language="en")
    browser.login(user.email, password="wrong password")
    other = Browser(app.test_client())
    other.client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"
    other.login(user.email)
    browser.login(user.email)
    page = browser.get("/account/security/").text
    assert "Firefox · Windows" in page
    assert "This device" in page
    assert "Failed login attempt" in page and "Signed in" in page


def test_end_one_other_session(app, browser):
    user = make_user(company=make_company())
    other = Browser(app.test_client())
    other.login(user.email, remember=True)
    browser.login(user.email)
    other_id = db.session.scalar(select(UserSession.id).order_by(UserSession.id))
    response = browser.submit(f"/account/security/sessions/{other_id}/end", form_page="/account/security/")
    assert response.status_code == 302
    assert other.get("/dashboard").status_code == 302
    assert browser.get("/dashboard").status_code == 200


def test_cannot_end_another_users_session(app, browser):
    victim = make_user(company=make_company())
    Browser(app.test_client()).login(victim.email)
    victim_session = db.session.scalar(select(UserSession.id))
    browser.login(make_user(company=make_company()).email)
    response = browser.submit(f"/account/security/sessions/{victim_session}/end", form_page="/account/security/")
    assert response.status_code == 404
    assert db.session.get(UserSession, victim_session).revoked_at is None


def test_log_out_everywhere_else_includes_remember_cookies(app, browser):
    user = make_user(company=make_company())
    other = Browser(app.test_client())
    other.login(user.email, remember=True)
    remember = other.client.get_cookie("oscart_remember").value
    browser.login(user.email)
    browser.submit("/account/security/sessions/end-others", form_page="/account/security/")
    assert other.get("/dashboard").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember)
    assert fresh.get("/dashboard").status_code == 302
    assert browser.get("/dashboard").status_code == 200


def test_many_sessions_list_the_most_recent_and_say_how_many_there_are(browser, count_queries):
    from datetime import timedelta

    from oscart.core.database import utcnow

    user = make_user(company=make_company(), language="en")
    now = utcnow()
    db.session.add_all([UserSession(user_id=user.id, token_hash=f"{n:064x}", created_at=now - timedelta(days=2),
                                    last_seen_at=now - timedelta(hours=n + 1), expires_at=now + timedelta(days=5),
                                    ip=f"198.51.100.{n}") for n in range(30)])
    db.session.commit()
    browser.login(user.email)
    browser.get("/account/security/")
    with count_queries() as counter:
        page = browser.get("/account/security/").text
    assert len(re.findall(r'action="/account/security/sessions/\d+/end"', page)) == 19  # this device and 19 more
    assert "198.51.100.0<" in page and "198.51.100.18<" in page and "198.51.100.19<" not in page
    assert "The 20 most recently used of your 31 sessions are listed" in page
    db.session.add_all([UserSession(user_id=user.id, token_hash=f"e{n:063x}", last_seen_at=now - timedelta(days=1),
                                    expires_at=now + timedelta(days=5)) for n in range(30)])
    db.session.commit()
    with count_queries() as more:
        assert "of your 61 sessions" in browser.get("/account/security/").text
    assert more.count == counter.count
