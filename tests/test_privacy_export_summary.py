"""The readable summary in the data archive: the reader's language, labels, formatted dates, yes and no."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.core import personal_data as registry
from oscart.core.demo import seed_demo
from oscart.core.extensions import db
from oscart.privacy import policy
from oscart.privacy.summary import FIELD_LABELS
from tests.factories import PASSWORD, give_consent, make_certificate, make_company, make_course, make_user

# (language, "yes", the label of a consent's "is_granted", the completion day of the certificate)
READERS = [("nl", "Ja", "Gegeven", "4 december 2026"), ("fr", "Oui", "Donné", "4 décembre 2026"),
           ("de", "Ja", "Erteilt", "4. Dezember 2026"), ("en", "Yes", "Given", "4 December 2026")]


def _summary(browser, user):
    browser.login(user.email)
    response = browser.submit("/privacy/me/export", {"password": PASSWORD}, form_page="/privacy/me/export")
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    return archive.read("summary.html").decode(), json.loads(archive.read("data.json"))["data"]


@pytest.mark.parametrize(("language", "yes", "given", "day"), READERS)
def test_summary_reads_in_the_holders_language_with_labels_dates_and_yes(browser, language, yes, given, day):
    user = make_user(company=make_company(), language=language)
    give_consent(user, policy.NEWSLETTER)
    make_certificate(user, make_course(), completed_at=datetime(2026, 12, 4, 12, tzinfo=UTC))
    summary, data = _summary(browser, user)
    assert f'<th scope="col">{given}</th>' in summary
    assert f"<td>{yes}</td>" in summary
    assert f"<td>{day}</td>" in summary
    for raw in ("True", "False", "is_granted", "completed_on", "2026-12-04"):
        assert raw not in summary
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", summary)  # no ISO timestamps
    # data.json stays for programs: field names and raw values
    assert data["consents"][0]["is_granted"] is True and data["certificates"][0]["completed_on"] == "2026-12-04"


def test_summary_names_codes_and_formats_times_in_brussels(browser):
    user = make_user(company=make_company(), language="en", role="trainee")
    summary, _data = _summary(browser, user)
    assert "<td>Trainee</td>" in summary and "<td>English</td>" in summary
    assert "<td>trainee</td>" not in summary


def _fields(value):
    """Every field name in an exported value, lists of records included."""
    rows = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    names = set()
    for row in rows:
        for name, item in row.items():
            names.add(name)
            if isinstance(item, list) and item and isinstance(item[0], dict):
                names |= _fields(item)
    return names


def test_every_field_the_archive_holds_has_a_label(app):
    seed_demo()
    db.session.commit()
    fields = set()
    with app.test_request_context():
        for user in db.session.scalars(select(User)):
            data, _files = registry.export_user(user)
            for value in data.values():
                fields |= _fields(value)
    assert len(fields) > 50  # the demo fills every category
    assert sorted(fields - set(FIELD_LABELS)) == []
