"""A people file of more lines than import_job.INLINE_MAX is imported by a bulk job: confirming it shows the job's
page with its progress, and the page leads to the import's result; a second confirmation starts nothing more; a
file that no longer matches the preview imports nobody and leads back to the preview."""

import re

import pytest
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE
from oscart.jobs.models import Job
from oscart.workspace import import_job
from tests.factories import make_company, make_user
from tests.helpers import csrf_from
from tests.test_workspace_import import columns, preview, upload

LINES = "E-mail;Voornaam;Achternaam;Taal\r\n" + "".join(f"p{n}@example.org;P{n};Peeters;nl\r\n" for n in range(6))
LINES += "not-an-address;X;Y;nl\r\n"


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(import_job, "INLINE_MAX", 3)


@pytest.fixture
def company():
    return make_company(name="Acme Import Job", default_language="nl")


@pytest.fixture
def hr(browser, company):
    browser.login(make_user(role=COMPANY_ADMIN, company=company, language="en").email)
    return browser


def _confirm(hr, page):
    action = re.search(r'action="(/company/import/\d+/confirm)"', page.text).group(1)
    digest = re.search(r'name="digest" value="(\w+)"', page.text).group(1)
    return hr.client.post(action, data={"csrf_token": csrf_from(page.text), "digest": digest}), action


def _trainees(company):
    return db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id, User.role == TRAINEE))


def test_a_large_file_is_imported_by_a_job_whose_page_leads_to_the_result(hr, company):
    page = preview(hr, columns(hr, upload(hr, LINES.encode())))
    response, action = _confirm(hr, page)
    assert re.fullmatch(r"/jobs/\d+", response.headers["Location"])
    job = db.session.scalar(select(Job))
    assert (job.kind, job.status, job.total) == ("people.import", "done", 7)  # tasks run in-process in tests
    assert _trainees(company) == 6
    job_page = hr.get(response.headers["Location"]).text
    assert "Imported" in job_page and "See the result" in job_page
    result_url = re.search(r'href="(/company/import/\d+)"', job_page).group(1)
    result = hr.get(result_url).text
    assert "was imported on" in result
    left_out = hr.get(f"/jobs/{job.id}/download").get_data(as_text=True)
    assert left_out.lstrip("\ufeff").splitlines()[0] == "Line;E-mail address;Problem"
    assert "not-an-address" in left_out
    again = hr.client.post(action, data={"csrf_token": csrf_from(page.text), "digest": "x"})
    assert again.status_code == 302 and db.session.scalar(select(func.count(Job.id))) == 1
    assert _trainees(company) == 6


def test_a_file_that_no_longer_matches_the_preview_imports_nobody(hr, company):
    page = preview(hr, columns(hr, upload(hr, LINES.encode())))
    make_user(company=company, email="p3@example.org")  # someone of the file joined since the preview
    response, _action = _confirm(hr, page)
    job_page = hr.get(response.headers["Location"]).text
    assert "The import could not be done" in job_page and "Back to the preview" in job_page
    assert _trainees(company) == 1
    preview_url = re.search(r'href="(/company/import/\d+/preview)"', job_page).group(1)
    assert hr.get(preview_url).status_code == 200  # the preview again, to confirm once more


def test_while_the_job_runs_the_import_pages_show_it(hr, company, monkeypatch):
    monkeypatch.setattr("oscart.jobs.services.after_commit", lambda *args, **kwargs: None)  # the task never starts
    page = preview(hr, columns(hr, upload(hr, LINES.encode())))
    response, action = _confirm(hr, page)
    job_url = response.headers["Location"]
    job_page = hr.get(job_url).text
    assert "7 lines of the file will be imported." in job_page and 'http-equiv="refresh"' in job_page
    preview_url = action.removesuffix("/confirm") + "/preview"
    assert hr.get(preview_url).headers["Location"] == job_url
    assert hr.get(action.removesuffix("/confirm")).headers["Location"] == job_url
