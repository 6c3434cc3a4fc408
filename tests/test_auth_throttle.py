"""Rate limits on login and reset (Flask-Limiter), client address behind a proxy, fail-closed storage."""

import os
import uuid

import pytest

from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.core.extensions import db
from tests.factories import PASSWORD, make_company, make_user
from tests.helpers import Browser

WRONG = "wrong password here"
REDIS_URL = os.environ.get("TEST_REDIS_URL")
# One prefix per run: Flask-Limiter keeps the key prefix of the first app that set one.
REDIS_PREFIX = f"oscart-test-{uuid.uuid4().hex[:12]}"


def browser_for(app, ip="203.0.113.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return Browser(client)


def assert_translated_429(response):
    assert response.status_code == 429
    assert "Te veel pogingen" in response.text
    assert int(response.headers["Retry-After"]) > 0


def run_login_limit(app):
    """Three failures are allowed, the fourth attempt from the address is refused."""
    user = make_user(company=make_company())
    browser = browser_for(app)
    for _ in range(3):
        assert browser.login(user.email, WRONG).status_code == 200
    assert_translated_429(browser.login(user.email))
    # Another address is not affected.
    assert browser_for(app, "198.51.100.9").login(user.email).status_code == 302


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute")
def test_failed_logins_are_limited_per_address(app):
    run_login_limit(app)


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute")
def test_successful_logins_do_not_count(app):
    user = make_user(company=make_company())
    browser = browser_for(app)
    for _ in range(6):
        assert browser.login(user.email).status_code == 302
        browser.logout()
    assert browser.login(user.email, WRONG).status_code == 200


@pytest.mark.config(RATELIMIT_LOGIN="1 per 5 minutes")
def test_an_attempt_holds_its_place_in_the_limit_while_its_password_is_checked(app, monkeypatch):
    """Two attempts from one address checked at the same moment (on two workers): while the first one's password
    is being checked, the second finds the address's last place taken and is refused before any hash."""
    from oscart.auth import attempts, services
    from oscart.core.exceptions import RuleViolation, TooManyAttempts

    company = make_company()
    first, second = make_user(company=company), make_user(company=company)
    check, refused = attempts.verify_password, []

    def check_while_another_arrives(password_hash, password):
        try:
            services.authenticate(second.email, WRONG, ip="203.0.113.7")
        except TooManyAttempts:
            refused.append(second.email)
        return check(password_hash, password)

    monkeypatch.setattr(attempts, "verify_password", check_while_another_arrives)
    with pytest.raises(RuleViolation):
        services.authenticate(first.email, WRONG, ip="203.0.113.7")
    assert refused == [second.email]


def test_default_limit_lets_an_office_behind_one_address_make_typos(app):
    # Twelve colleagues behind one address each mistype their password twice, then log in.
    company = make_company()
    for n in range(12):
        user = make_user(company=company, email=f"colleague{n}@acme.example")
        browser = browser_for(app)
        for _ in range(2):
            assert browser.login(user.email, WRONG).status_code == 200
        assert browser.login(user.email).status_code == 302


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute")
def test_429_page_speaks_the_visitors_language(app):
    browser = browser_for(app)
    for _ in range(3):
        browser.login("someone@example.com", WRONG)
    page = browser.client.get("/privacy")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = browser.client.post("/login", data={"csrf_token": token, "email": "x@example.com", "password": WRONG},
                                   headers={"Accept-Language": "de"})
    assert response.status_code == 429
    assert "Zu viele Versuche" in response.text
    assert "Retry-After" in response.headers


def run_reset_address_limit(app, outbox):
    user = make_user(company=make_company(), email="anna@acme.example")
    # Each request from another client address, so only the per-address limit can stop them.
    for n, address in enumerate(("anna@acme.example", "ANNA@acme.example")):
        response = browser_for(app, f"203.0.113.{n + 1}").submit("/reset", {"email": address})
        assert response.status_code == 302
    assert_translated_429(browser_for(app, "203.0.113.50").submit("/reset", {"email": user.email}))
    assert len(outbox) == 2
    # Another target address is still served.
    assert browser_for(app, "203.0.113.51").submit("/reset", {"email": "other@acme.example"}).status_code == 302


@pytest.mark.config(RATELIMIT_RESET="2 per 15 minutes", RATELIMIT_RESET_PER_ADDRESS="50 per hour")
def test_reset_requests_are_limited_per_client_address(app):
    browser = browser_for(app)
    for n in range(2):
        assert browser.submit("/reset", {"email": f"person{n}@example.com"}).status_code == 302
    assert_translated_429(browser.submit("/reset", {"email": "person9@example.com"}))


@pytest.mark.config(RATELIMIT_RESET_PER_ADDRESS="2 per hour", RATELIMIT_RESET="50 per hour")
def test_reset_requests_are_limited_per_target_address(app, outbox):
    run_reset_address_limit(app, outbox)


# --- Redis storage ----------------------------------------------------------------------------------

@pytest.fixture
def redis_app(make_app):
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15): rate limits not tested on Redis")
    import redis

    prefix = REDIS_PREFIX
    other = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, RATELIMIT_LOGIN="3 per minute",
                     RATELIMIT_RESET_PER_ADDRESS="2 per hour", RATELIMIT_RESET="50 per hour")
    yield other
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_failed_logins_are_limited_on_redis(redis_app):
    import redis

    run_login_limit(redis_app)
    prefix = redis_app.config["RATELIMIT_KEY_PREFIX"]
    assert list(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*{prefix}*"))


def test_reset_requests_are_limited_per_target_address_on_redis(redis_app, outbox):
    run_reset_address_limit(redis_app, outbox)


# --- Fail closed --------------------------------------------------------------------------------------

def test_login_refuses_when_the_limiter_storage_is_down(make_app):
    broken = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    user = make_user(company=make_company())
    browser = browser_for(broken)
    response = browser.login(user.email)
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.text
    assert browser.get("/dashboard").status_code == 302
    assert db.session.scalar(db.select(db.func.count(UserSession.id))) == 0
    # Pages without a rate limit keep working.
    assert browser.get("/login").status_code == 200


def test_reset_refuses_when_the_limiter_storage_is_down(make_app, outbox):
    broken = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    user = make_user(company=make_company())
    assert browser_for(broken).submit("/reset", {"email": user.email}).status_code == 503
    assert outbox == []


# --- Client address behind a proxy ----------------------------------------------------------------------

def login_ip(app, forwarded_for):
    user = make_user(company=make_company())
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    browser = Browser(client)
    page = client.get("/login")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD},
                headers={"X-Forwarded-For": forwarded_for})
    assert browser.get("/dashboard").status_code == 200
    return db.session.scalar(db.select(AuditEvent.ip).where(AuditEvent.action == "login.succeeded"))


def test_forwarded_for_is_ignored_without_a_configured_proxy(app):
    assert login_ip(app, "1.2.3.4") == "10.0.0.2"


def test_with_one_proxy_hop_the_address_the_proxy_saw_is_used(make_app):
    proxied = make_app(PROXY_FIX_HOPS=1)
    # The client forged the first entry; the proxy appended the address it really saw.
    assert login_ip(proxied, "6.6.6.6, 198.51.100.23") == "198.51.100.23"


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute")
def test_forged_forwarded_for_does_not_escape_the_limit(app):
    browser = browser_for(app)
    for n in range(3):
        browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        browser.login("someone@example.com", WRONG)
    browser.client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.99"
    assert browser.login("someone@example.com", WRONG).status_code == 429


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute")
def test_guessing_the_current_password_on_the_password_page_is_limited(app):
    user = make_user(company=make_company())
    browser = browser_for(app)
    browser.login(user.email)
    data = {"current_password": WRONG, "new_password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    for _ in range(3):
        assert browser.submit("/account/password", data, form_page="/account/password").status_code == 200
    assert_translated_429(browser.submit("/account/password", data, form_page="/account/password"))


def test_login_works_with_rate_limiting_switched_off(make_app):
    relaxed = make_app(RATELIMIT_ENABLED=False)
    user = make_user(company=make_company())
    browser = browser_for(relaxed)
    assert browser.login(user.email, password="wrong password").status_code == 200
    response = browser.login(user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
