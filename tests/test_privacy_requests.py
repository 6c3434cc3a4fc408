"""Requests: filed with a motivation, decided by platform admins within a month, carried out by the portal."""

from datetime import timedelta

import pytest

from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from oscart.privacy import policy
from oscart.privacy.consents import current_consents
from oscart.privacy.models import PrivacyRequest
from tests.factories import give_consent, make_company, make_user


@pytest.fixture
def company():
    return make_company()


@pytest.fixture
def trainee(company):
    return make_user(company=company, language="de", first_name="Jonas")


@pytest.fixture
def admin():
    return make_user(role=PLATFORM_ADMIN, language="en")


def _file(browser, kind, motivation="Please."):
    return browser.submit("/privacy/me/requests/new", {"kind": kind, "motivation": motivation},
                          form_page="/privacy/me/requests/new")


def _request(kind="erase"):
    return db.session.scalar(db.select(PrivacyRequest).where(PrivacyRequest.kind == kind))


def _decide(browser, request_id, button, reason="Decided after review.", **extra):
    url = f"/admin/privacy/requests/{request_id}"
    return browser.submit(url, {"reason": reason, button: "1", **extra}, form_page=url)


@pytest.mark.parametrize("kind", ["rectify", "erase", "restrict", "object"])
def test_filing_a_request_sets_the_one_month_deadline(browser, trainee, kind):
    browser.login(trainee.email)
    assert _file(browser, kind).status_code == 302
    request = _request(kind)
    assert request.status == "open" and request.motivation == "Please."
    assert request.due_at - request.created_at == timedelta(days=30)


def test_a_motivation_is_required(browser, trainee):
    browser.login(trainee.email)
    assert _file(browser, "erase", motivation="  ").status_code == 200
    assert _request() is None


def test_one_open_request_per_kind(browser, trainee):
    browser.login(trainee.email)
    _file(browser, "erase")
    assert "Sie haben bereits einen offenen Antrag dieser Art." in _file(browser, "erase").text
    assert db.session.scalar(db.select(db.func.count(PrivacyRequest.id))) == 1


def test_objection_to_direct_marketing_takes_effect_without_review(browser, trainee):
    give_consent(trainee, policy.NEWSLETTER)
    give_consent(trainee, policy.OFFERS)
    browser.login(trainee.email)
    _file(browser, "object_marketing", motivation="")
    current = current_consents(trainee.id)
    assert not current[policy.NEWSLETTER].is_granted and not current[policy.OFFERS].is_granted
    assert current[policy.NEWSLETTER].source == "objection"
    assert _request("object_marketing").status == "granted"


def test_queue_shows_open_requests_with_their_deadline(browser, trainee, admin):
    browser.login(trainee.email)
    _file(browser, "erase")
    browser.logout()
    browser.login(admin.email)
    page = browser.get("/admin/privacy/").text
    assert trainee.email in page and "30 days left" in page


def test_restriction_granted_hides_the_person_and_mails_the_decision(browser, company, trainee, admin, outbox):
    browser.login(trainee.email)
    _file(browser, "restrict")
    browser.logout()
    browser.login(admin.email)
    outbox.clear()
    assert _decide(browser, _request("restrict").id, "grant").status_code == 302
    assert db.session.get(type(trainee), trainee.id).is_restricted
    [mail] = outbox
    assert mail["To"] == trainee.email and "Decided after review." in mail.get_body().get_content()
    assert "genehmigt" in mail.get_body(("plain",)).get_content()  # German, the person's language
    assert "Restricted" in browser.get(f"/admin/users?q={trainee.email}").text
    hr = make_user(role=COMPANY_ADMIN, company=company)
    browser.logout()
    browser.login(hr.email)
    assert trainee.email not in browser.get("/company/employees").text


def test_refusal_keeps_everything_and_sends_the_reason(browser, trainee, admin, outbox):
    browser.login(trainee.email)
    _file(browser, "restrict")
    browser.logout()
    browser.login(admin.email)
    _decide(browser, _request("restrict").id, "refuse", reason="We need the data for your contract.")
    request = _request("restrict")
    assert request.status == "refused" and request.decided_by_id == admin.id
    assert not db.session.get(type(trainee), trainee.id).is_restricted
    assert "We need the data for your contract." in outbox[-1].get_body(("plain",)).get_content()


def test_deciding_twice_changes_nothing_more_and_says_so(browser, trainee, admin, outbox):
    browser.login(trainee.email)
    _file(browser, "restrict")
    browser.logout()
    browser.login(admin.email)
    request_id = _request("restrict").id
    _decide(browser, request_id, "refuse")
    sent = len(outbox)
    response = _decide(browser, request_id, "grant")
    assert "already been decided" in browser.get(response.headers["Location"]).text
    assert _request("restrict").status == "refused" and len(outbox) == sent


def test_a_reason_is_required(browser, trainee, admin):
    browser.login(trainee.email)
    _file(browser, "restrict")
    browser.logout()
    browser.login(admin.email)
    assert _decide(browser, _request("restrict").id, "grant", reason="").status_code == 200
    assert _request("restrict").status == "open"


def test_admins_cannot_decide_their_own_request(browser, admin):
    browser.login(admin.email)
    _file(browser, "restrict")
    assert _decide(browser, _request("restrict").id, "grant").status_code == 403


@pytest.mark.parametrize("role", [TRAINEE, TRAINER, COMPANY_ADMIN])
@pytest.mark.parametrize("path", ["/admin/privacy/", "/admin/privacy/requests/1", "/admin/privacy/retention",
                                  "/admin/privacy/campaigns", "/admin/privacy/incidents"])
def test_only_platform_admins_see_the_privacy_administration(browser, company, role, path):
    user = make_user(role=role, company=company)
    browser.login(user.email)
    assert browser.get(path).status_code == 403


def test_unknown_request_is_404(browser, admin):
    browser.login(admin.email)
    assert browser.get("/admin/privacy/requests/999").status_code == 404


def test_own_requests_are_listed_on_the_privacy_page_only_for_their_owner(browser, company):
    owner = make_user(company=company, language="en")
    browser.login(owner.email)
    _file(browser, "rectify", motivation="My name is misspelled.")
    assert "Correct my data" in browser.get("/privacy/me").text
    browser.logout()
    other = make_user(company=company, language="en")
    browser.login(other.email)
    assert "Correct my data" not in browser.get("/privacy/me").text.split("Your requests")[1]


@pytest.mark.parametrize(("kind", "restricted"), [("rectify", False), ("object", True), ("restrict", True)])
def test_granting_each_kind_is_carried_out_and_mailed(browser, trainee, admin, outbox, kind, restricted):
    browser.login(trainee.email)
    _file(browser, kind)
    browser.logout()
    browser.login(admin.email)
    outbox.clear()
    _decide(browser, _request(kind).id, "grant")
    assert _request(kind).status == "granted"
    assert db.session.get(type(trainee), trainee.id).is_restricted is restricted
    assert [mail["To"] for mail in outbox] == [trainee.email]


def test_queue_runs_a_fixed_number_of_queries(browser, company, admin, count_queries):
    from oscart.privacy.requests import file_request

    browser.login(admin.email)

    def measure():
        browser.get("/admin/privacy/")
        with count_queries() as counter:
            assert browser.get("/admin/privacy/").status_code == 200
        return counter.count

    file_request(make_user(company=company), kind="erase", motivation="x", ip=None)
    db.session.commit()
    small = measure()
    for _ in range(10):
        file_request(make_user(company=company), kind="restrict", motivation="x", ip=None)
    db.session.commit()
    assert measure() == small
