"""Every tabular export, as CSV and as XLSX: no cell a spreadsheet could read as a formula, the reader's delimiter.

A hostile value is stored in a field that each export shows. In the CSV, splitting the text on any delimiter
Excel may use leaves no piece that starts a formula; the XLSX holds the value exactly, as text. A test over the
URL map checks that every export is in the list below.
"""

import csv
import io
import re
from datetime import date
from html import unescape
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from oscart.audit.services import record_event
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.companies.models import Group, GroupMember
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.core.tabular import neutralise, separator
from tests.factories import (
    make_classroom_course,
    make_company,
    make_elearning_course,
    make_enrolment,
    make_registration,
    make_training_session,
    make_user,
    past_parts,
)

HOSTILE = "late;-2+3,=1+1\t@SUM(A1)"
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# endpoint: (who downloads it, its path without the extension; {session}: the session of the attendance)
EXPORTS = {
    "classroom.attendance_csv": (TRAINER, "/classroom/attendance"),
    "classroom.session_csv": (TRAINER, "/classroom/sessions/{session}/attendance"),
    "companies.training_matrix_csv": (COMPANY_ADMIN, "/company/training"),
    "reports.export": (COMPANY_ADMIN, "/company/reports"),
    "audit.export": (COMPANY_ADMIN, "/audit/export"),
    "certificates.company_list": (COMPANY_ADMIN, "/certificates/company/certificates"),
    "certificates.manage_list": (PLATFORM_ADMIN, "/certificates/manage/certificates"),
}


def _world(language):
    """The hostile value as a trainee's last name, an attendance note, an audit target and a certificate's
    holder and course title; readers in ``language``."""
    company = make_company()
    people = {role: make_user(role=role, company=company if role == COMPANY_ADMIN else None, language=language)
              for role in (TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)}
    trainee = make_user(company=company, last_name=HOSTILE)
    session = make_training_session(make_classroom_course(), trainers=[people[TRAINER]], parts=past_parts())
    make_registration(session, trainee)
    part = session_parts(session.id)[0]
    course = make_elearning_course(lessons=0)
    make_enrolment(trainee, course)
    db.session.execute(insert(Attendance), [
        {"part_id": part.id, "session_id": session.id, "part_starts_at": part.starts_at, "user_id": trainee.id,
         "status": "late", "minutes": 200, "note": HOSTILE, "version": 1, "marked_by_id": people[TRAINER].id}])
    db.session.execute(insert(Certificate), [
        {"code": "AAAA-BBBB-CCCC-DDDD", "issue_key": "hostile", "user_id": trainee.id, "company_id": company.id,
         "course_id": course.id, "language": language, "holder_name": HOSTILE, "course_title": HOSTILE, "hours": 4,
         "completed_on": date(2026, 3, 12), "pdf": b"%PDF", "pdf_sha256": "0" * 64, "pdf_size": 4}])
    record_event("user.updated", actor=people[COMPANY_ADMIN], subject=trainee, target=HOSTILE)
    group = Group(company_id=company.id, name=HOSTILE)  # a row of the report's completion per group
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, user_id=trainee.id))
    db.session.commit()
    return people, session


def _download(browser, endpoint, extension, language):
    role, path = EXPORTS[endpoint]
    people, session = _world(language)
    browser.login(people[role].email)
    response = browser.get(f"{path.format(session=session.id)}.{extension}")
    assert response.status_code == 200
    assert f".{extension}\"" in response.headers["Content-Disposition"]
    return response


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_csv_export_starts_no_formula_after_any_delimiter(browser, endpoint, language):
    response = _download(browser, endpoint, "csv", language)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    pieces = re.split(r"[,;\t\r\n]", text.removeprefix("\ufeff"))
    assert [piece for piece in pieces if piece.lstrip(' "').startswith(FORMULA_START)] == []
    delimiter = ";" if language == "nl" else ","
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))
    assert len(rows[0]) > 3 and {len(row) for row in rows} == {len(rows[0])}  # split by the reader's delimiter
    assert HOSTILE in [cell.replace("'", "") for row in rows[1:] for cell in row]  # shown, as text


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_xlsx_export_holds_the_value_as_text(browser, endpoint):
    response = _download(browser, endpoint, "xlsx", "nl")
    assert response.headers["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=False).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.value for cell in cells if cell.data_type == "f"] == []
    found = [cell for cell in cells if cell.value == HOSTILE]
    assert found and all(cell.data_type == "s" for cell in found)


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_the_header_row_is_in_the_readers_language(browser, endpoint):
    role, path = EXPORTS[endpoint]
    people, session = _world("nl")
    browser.login(people[role].email)
    headers = {}
    for language in ("nl", "en"):
        people[role].language = language
        db.session.commit()
        text = browser.get(f"{path.format(session=session.id)}.csv").get_data().decode("utf-8-sig")
        headers[language] = next(csv.reader(io.StringIO(text), delimiter=separator(language)))
    assert headers["nl"] != headers["en"]


# endpoint: the page whose buttons link to the export
PAGES = {
    "classroom.attendance_csv": "/classroom/attendance",
    "classroom.session_csv": "/classroom/sessions/{session}",
    "companies.training_matrix_csv": "/company/training",
    "reports.export": "/company/reports",
    "audit.export": "/audit/",
    "certificates.company_list": "/certificates/company",
    "certificates.manage_list": "/certificates/manage",
}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_the_pages_export_buttons_download_the_format_they_name(browser, endpoint):
    role, _path = EXPORTS[endpoint]
    people, session = _world("nl")
    browser.login(people[role].email)
    page = browser.get(PAGES[endpoint].format(session=session.id) + "?_anchor=x")
    links = [unescape(link) for link in re.findall(r'href="([^"]+\.(?:csv|xlsx)(?:\?[^"]*)?)"', page.text)]
    extensions = sorted(urlsplit(link).path.rsplit(".", 1)[1] for link in links)
    assert extensions == ["csv", "xlsx"], links
    for link in links:
        response = browser.get(link)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == CONTENT_TYPES[urlsplit(link).path.rsplit(".", 1)[1]]


# Files to fill in, holding no stored data: endpoint → (who downloads them, their path per language, the page
# that links them in every language).
SAMPLES = {"people_import.sample": (COMPANY_ADMIN, "/company/import/sample-{language}", "/company/import/")}


@pytest.mark.parametrize("endpoint", sorted(SAMPLES))
def test_each_sample_downloads_in_every_language_from_its_page_with_that_languages_header(browser, endpoint):
    role, path, page = SAMPLES[endpoint]
    company = make_company()
    browser.login(make_user(role=role, company=company if role == COMPANY_ADMIN else None, language="en").email)
    text = browser.get(page).text
    headers = {}
    for language in ("nl", "fr", "de", "en"):
        for extension in ("csv", "xlsx"):
            assert f'href="{path.format(language=language)}.{extension}"' in text
            response = browser.get(f"{path.format(language=language)}.{extension}")
            assert response.status_code == 200 and response.headers["Content-Type"] == CONTENT_TYPES[extension]
        csv_text = browser.get(f"{path.format(language=language)}.csv").get_data().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(csv_text), delimiter=separator(language)))
        assert [piece for row in rows for piece in row if piece.lstrip(' "').startswith(FORMULA_START)] == []
        sheet = load_workbook(io.BytesIO(browser.get(f"{path.format(language=language)}.xlsx").get_data())).active
        assert [cell.value for row in sheet.iter_rows(max_row=1) for cell in row] == rows[0]
        assert [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"] == []
        headers[language] = tuple(rows[0])
    assert len(set(headers.values())) == 4  # each language's own column names


def test_every_export_is_tested(app):
    exports = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith((".csv", ".xlsx"))}
    assert exports == set(EXPORTS) | set(SAMPLES)
    assert set(EXPORTS) == set(PAGES)
    assert all({f"{path}.csv", f"{path}.xlsx"} <= {rule.rule.replace("<int:session_id>", "{session}")
                                                      for rule in app.url_map.iter_rules()}
               for _role, path in EXPORTS.values())


@pytest.mark.parametrize(("value", "expected"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+32 3 123", "'+32 3 123"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("  =1", "'  =1"), ('"=1', "'\"=1"), ("plain", "plain"), ("a=b", "a=b"),
    ("late;-2+3", "late;'-2+3"), ("a, =1", "a,' =1"), ("x\n@y", "x\n'@y"), ("a\t+b", "a\t'+b"), ("\uff1d1", "'\uff1d1"),
])
def test_neutralise_marks_every_place_a_cell_could_start(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(("language", "expected"), [("nl", ";"), ("fr", ";"), ("de", ";"), ("en", ",")])
def test_the_delimiter_is_the_one_excel_uses_in_the_readers_language(language, expected):
    assert separator(language) == expected
