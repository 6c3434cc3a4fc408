"""People import: a company admin uploads a CSV or XLSX file, chooses its columns, previews and imports it."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.companies.models import Group, GroupMember, Invitation, JobRole
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE
from oscart.core.signals import people_changed
from oscart.workspace.import_columns import guess_mapping
from oscart.workspace.import_files import read_people_file, sniff_delimiter
from oscart.workspace.import_models import PeopleImport
from oscart.workspace.imports import purge_imports
from tests.factories import make_company, make_user
from tests.helpers import csrf_from, mail_link

UPLOAD = "/company/import/"


@pytest.fixture
def company():
    company = make_company(name="Acme Import", default_language="nl")
    db.session.add_all([Group(company_id=company.id, name="Logistiek"), Group(company_id=company.id, name="Gent"),
                        JobRole(company_id=company.id, name="Magazijnier")])
    db.session.commit()
    return company


@pytest.fixture
def admin(company):
    return make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hanna", last_name="Roels")


@pytest.fixture
def hr(browser, admin):
    browser.login(admin.email)
    return browser


def upload(browser, data, filename="people.csv"):
    # The multipart body is built here: the test client would spool a large one to a file it never closes.
    token = csrf_from(browser.get(UPLOAD).text)
    boundary = "----import-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return browser.client.post(UPLOAD, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def columns(browser, response, **choices):
    """Submit the column page as shown (the guessed columns), with ``choices`` changed."""
    assert response.status_code == 302, response.text
    url = response.headers["Location"]
    page = browser.get(url).text
    selected = dict(re.findall(r'<select[^>]*name="(\w+)"[^>]*>(?:(?!</select>).)*?<option selected value="(\d*)"',
                               page, re.S))
    data = {name: selected.get(name, "") for name in ("email", "first_name", "last_name", "language", "groups",
                                                        "job_role", "employee_number", "manager_email")}
    data.update({"invite": "now", **choices})
    return browser.submit(url, data, form_page=url)


def preview(browser, response):
    assert response.status_code == 302, response.text
    return browser.get(response.headers["Location"])


def confirm(browser, preview_page):
    action = re.search(r'action="(/company/import/\d+/confirm)"', preview_page.text).group(1)
    digest = re.search(r'name="digest" value="(\w+)"', preview_page.text).group(1)
    return browser.client.post(action, data={"csrf_token": csrf_from(preview_page.text), "digest": digest})


def import_file(browser, data, filename="people.csv", **choices):
    page = preview(browser, columns(browser, upload(browser, data, filename), **choices))
    response = confirm(browser, page)
    assert response.status_code == 302, response.text
    return browser.get(response.headers["Location"]).text


CSV = ("E-mail;Voornaam;Achternaam;Taal;Groepen;Functie;Personeelsnummer;Leidinggevende\r\n"
       "an@example.org;An;Peeters;nl;Logistiek|Gent;Magazijnier;1001;\r\n"
       "luc@example.org;Luc;Dubois;fr;Logistiek;;1002;an@example.org\r\n")


def people(company):
    return db.session.execute(select(User.email, User.first_name, User.last_name, User.language,
                                     User.employee_number, User.password_hash)
                              .where(User.company_id == company.id, User.role == TRAINEE)
                              .order_by(User.email)).all()


# --- Reading files -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_of_the_four_delimiters_is_recognised(app, delimiter):
    text = delimiter.join(["email", "first name", "last name"]) + "\n" + delimiter.join(["a@x.org", "A", "B"])
    assert sniff_delimiter(text) == delimiter
    assert read_people_file("p.csv", text.encode()) == (["email", "first name", "last name"], [["a@x.org", "A", "B"]])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_utf8_with_or_without_bom_utf16_and_windows_1252_are_detected(app, encoding):
    data = "E-mail;Prénom;Nom\r\nzoe@x.org;Zoë;Hélène\r\n".encode(encoding)
    header, rows = read_people_file("p.csv", data)
    assert header == ["E-mail", "Prénom", "Nom"]
    assert rows == [["zoe@x.org", "Zoë", "Hélène"]]


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_workbook_is_read_with_numbers_and_formulas_as_written(app):
    data = xlsx([["E-mail", "First name", "Employee number"], ["a@x.org", "=1+2", 1234], [None, None, None]])
    assert read_people_file("p.xlsx", data) == (["E-mail", "First name", "Employee number"],
                                                [["a@x.org", "=1+2", "1234"]])


@pytest.mark.parametrize(("header", "expected"), [
    (["E-mailadres", "Voornaam", "Achternaam", "Taal", "Groepen", "Functie", "Personeelsnummer",
      "E-mailadres van de leidinggevende"], 8),
    (["Adresse e-mail", "Prénom", "Nom", "Langue", "Groupes", "Fonction", "Matricule", "Responsable"], 8),
    (["E-Mail-Adresse", "Vorname", "Nachname", "Sprache", "Gruppen", "Funktion", "Personalnummer", "Vorgesetzter"], 8),
    (["Email", "First name", "Last name", "Language", "Groups", "Job role", "Employee number", "Manager"], 8),
])
def test_column_names_are_recognised_in_four_languages(app, header, expected):
    mapping = guess_mapping(header)
    assert len(mapping) == expected
    assert mapping["email"] == 0 and mapping["manager_email"] == 7 and mapping["last_name"] == 2


@pytest.mark.parametrize(("language", "extension"), [(code, ext) for code in ("nl", "fr", "de", "en")
                                                      for ext in ("csv", "xlsx")])
def test_each_sample_file_has_its_language_s_column_names_that_the_import_recognises(hr, language, extension):
    response = hr.get(f"/company/import/sample-{language}.{extension}")
    assert response.status_code == 200
    header, rows = read_people_file(f"sample.{extension}", response.data)
    assert len(guess_mapping(header)) == 8
    assert len(rows) == 4


# --- Bad files -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "message"), [
    ("people.pdf", b"%PDF-1.4", "Choose a CSV file or an Excel workbook"),
    ("people.xls", b"\xd0\xcf\x11\xe0", "Choose a CSV file or an Excel workbook"),
    ("people.csv", b"\x00\x01\x02binary", "Choose a CSV file or an Excel workbook"),
    ("people.xlsx", b"PK\x03\x04 not really a workbook", "This file cannot be read"),
    ("people.csv", b"email\n", "The file holds no people"),
    ("people.csv", b"", "The file holds no people"),
])
def test_a_wrong_malformed_or_empty_file_is_refused_with_a_clear_message_and_nothing_kept(hr, filename, data, message):
    response = upload(hr, data, filename)
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(select(func.count(PeopleImport.id))) == 0


def test_a_file_over_10_mb_is_refused_by_the_form(hr):
    data = b"email;first;last\n" + b"a@example.org;A;B\n" * (10 * 1024 * 1024 // 18 + 10)
    response = upload(hr, data)
    assert response.status_code == 200
    assert "larger than 10 MB" in response.text
    assert db.session.scalar(select(func.count(PeopleImport.id))) == 0


def test_the_errors_speak_the_admin_s_language(hr, admin):
    admin.language = "fr"
    db.session.commit()
    response = upload(hr, b"%PDF", "people.pdf")
    assert "Choisissez un fichier CSV" in response.text


# --- Preview -------------------------------------------------------------------------------------------------

def test_the_preview_names_the_problem_of_each_line_and_counts(hr, company):
    make_user(company=company, email="known@example.org", first_name="Known", last_name="Person")
    data = (b"email,first name,last name,language,groups,job role,manager\n"
            b"not-an-address,A,B,,,,\n"
            b"new@example.org,New,Person,nl,Logistiek,,\n"
            b"new@example.org,New,Again,nl,,,\n"
            b"x@example.org,X,Y,,Nowhere,,\n"
            b"y@example.org,Y,Z,,,Astronaut,\n"
            b"z@example.org,Z,Z,klingon,,,\n"
            b"m@example.org,M,M,,,,nobody@example.org\n"
            b"known@example.org,,,,,,\n"
            b"nameless@example.org,,,,,,\n")
    page = preview(hr, columns(hr, upload(hr, data))).text
    assert "The e-mail address is missing or not valid." in page
    assert "This address is already on line 3 of the file." in page
    assert "Unknown group: Nowhere" in page
    assert "Unknown job role: Astronaut" in page
    assert "Unknown language: klingon" in page
    assert "The manager nobody@example.org is neither a person of your company nor a person in the file." in page
    assert "A new person needs a first and a last name." in page
    counts = dict(re.findall(r"<dt>([\w ]+)</dt><dd><strong>(\d+)</strong>", page))
    assert counts == {"new": "1", "updated": "0", "unchanged": "1", "not added": "7"}
    assert people(company)[0].email == "known@example.org" and len(people(company)) == 1  # nothing changed yet


def test_an_address_of_another_company_gets_the_same_answer_as_any_address_that_cannot_be_added(hr, company):
    other = make_company(name="Globex Import")
    make_user(company=other, email="elsewhere@example.org")
    restricted = make_user(company=company, email="restricted@example.org", is_restricted=True)
    data = ("email,first name,last name\n"
            "elsewhere@example.org,E,E\n"
            f"{restricted.email},R,R\n").encode()
    page = preview(hr, columns(hr, upload(hr, data))).text
    assert page.count("This person cannot be added.") == 2
    assert "Globex" not in page and "another company" not in page


def test_the_admin_can_change_the_columns(hr, company):
    data = b"Col A;Col B;Col C\nan@example.org;An;Peeters\n"
    response = columns(hr, upload(hr, data), email="0", first_name="1", last_name="2")
    page = preview(hr, response).text
    assert "an@example.org" in page and ">New<" in page


def test_the_e_mail_column_must_be_chosen(hr):
    response = columns(hr, upload(hr, b"Col A;Col B\nan@example.org;An\n"), email="")
    assert response.status_code == 200
    assert "Choose the column that holds the e-mail addresses." in response.text


# --- Import --------------------------------------------------------------------------------------------------

def test_an_import_creates_trainees_with_groups_role_number_manager_and_invites_them(hr, company, admin, outbox):
    received = []

    def receiver(sender, **kw):
        received.append((sender, sorted(kw["user_ids"])))

    people_changed.connect(receiver)
    try:
        page = import_file(hr, CSV.encode("cp1252"))
    finally:
        people_changed.disconnect(receiver)  # the portal's own receivers stay connected
    assert "2 invitations sent" not in page and "<dt>invited</dt><dd><strong>2</strong>" in page
    an, luc = (db.session.scalar(select(User).where(User.email == address)) for address in
               ("an@example.org", "luc@example.org"))
    assert (an.role, an.company_id, an.password_hash, an.language) == (TRAINEE, company.id, None, "nl")
    assert (luc.language, luc.employee_number, luc.manager_id) == ("fr", "1002", an.id)
    assert an.job_role_id == db.session.scalar(select(JobRole.id).where(JobRole.name == "Magazijnier"))
    groups = db.session.scalars(select(Group.name).join(GroupMember, GroupMember.group_id == Group.id)
                                .where(GroupMember.user_id == an.id).order_by(Group.name)).all()
    assert groups == ["Gent", "Logistiek"]
    assert received == [(company.id, sorted([an.id, luc.id]))]
    assert sorted(message["To"] for message in outbox) == ["an@example.org", "luc@example.org"]
    french = next(message for message in outbox if message["To"] == "luc@example.org")
    assert french["Subject"] == "Vous êtes invité(e) sur le portail de formation Oscart"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "people.imported"))
    assert event.details == {"new": 2, "updated": 0, "unchanged": 0, "refused": 0, "invited": 2}
    assert event.company_id == company.id


def test_an_imported_person_accepts_the_invitation_and_keeps_the_imported_account(hr, company, outbox, app):
    import_file(hr, CSV.encode())
    link = mail_link(next(message for message in outbox if message["To"] == "an@example.org"))
    an_id = db.session.scalar(select(User.id).where(User.email == "an@example.org"))
    visitor = type(hr)(app.test_client())
    path = link.split("example", 1)[1].split("/", 1)[1]
    response = visitor.submit("/" + path, {"first_name": "An", "last_name": "Peeters", "language": "nl",
                                           "password": "a brand new passphrase",
                                           "confirm": "a brand new passphrase"}, form_page="/" + path)
    assert response.status_code == 302
    user = db.session.get(User, an_id)
    assert user.password_hash is not None
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "an@example.org")) == 1


def test_a_second_import_updates_and_creates_nobody_twice(hr, company, outbox):
    import_file(hr, CSV.encode())
    outbox.clear()
    second = CSV.replace("An;Peeters", "Anna;Peeters-Janssens").replace("Logistiek|Gent", "Gent")
    shown = preview(hr, columns(hr, upload(hr, second.encode())))
    assert "First name, Last name, Groups" in shown.text
    page = hr.get(confirm(hr, shown).headers["Location"]).text
    assert "<dt>updated</dt><dd><strong>1</strong>" in page and "<dt>unchanged</dt><dd><strong>1</strong>" in page
    assert [row.email for row in people(company)] == ["an@example.org", "luc@example.org"]
    an = db.session.scalar(select(User).where(User.email == "an@example.org"))
    assert (an.first_name, an.last_name) == ("Anna", "Peeters-Janssens")
    assert db.session.scalars(select(Group.name).join(GroupMember, GroupMember.group_id == Group.id)
                              .where(GroupMember.user_id == an.id)).all() == ["Gent"]
    assert outbox == []  # their links still work: no second mail
    assert db.session.scalar(select(func.count(Invitation.id))) == 2


def test_invite_later_makes_the_accounts_without_mail_and_the_page_invites_them_afterwards(hr, company, outbox):
    page = import_file(hr, CSV.encode(), invite="later")
    assert outbox == [] and len(people(company)) == 2
    assert "2 imported people have not been invited yet." in page
    response = hr.submit("/company/import/invite-waiting", form_page=UPLOAD)
    assert response.status_code == 302
    assert sorted(message["To"] for message in outbox) == ["an@example.org", "luc@example.org"]
    assert "imported people have no password yet" not in hr.get(UPLOAD).text


def test_formula_cells_are_stored_as_the_text_typed(hr, company):
    data = xlsx([["E-mail", "First name", "Last name"], ["f@example.org", "=HYPERLINK(\"x\")", "+32 2 555"]])
    import_file(hr, data, "people.xlsx")
    assert people(company)[0][1:3] == ('=HYPERLINK("x")', "+32 2 555")


def test_confirming_twice_imports_once(hr, company, outbox):
    page = preview(hr, columns(hr, upload(hr, CSV.encode())))
    assert confirm(hr, page).status_code == 302
    assert confirm(hr, page).status_code == 302
    assert len(people(company)) == 2 and len(outbox) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "people.imported")) == 1


def test_a_stale_preview_is_shown_again_instead_of_imported(hr, company):
    page = preview(hr, columns(hr, upload(hr, CSV.encode())))
    make_user(company=company, email="an@example.org", first_name="Already", last_name="There")
    response = confirm(hr, page)
    assert response.status_code == 302 and response.headers["Location"].endswith("/preview")
    assert "changed since this preview" in hr.get(response.headers["Location"]).text
    assert len(people(company)) == 1


def test_another_admin_s_upload_is_not_found(hr, company, app):
    response = upload(hr, CSV.encode())
    url = response.headers["Location"]
    colleague = make_user(role=COMPANY_ADMIN, company=company)
    other = type(hr)(app.test_client())
    other.login(colleague.email)
    assert other.get(url).status_code == 404


def test_uploads_are_forgotten_after_a_day(hr, company):
    upload(hr, CSV.encode())
    from datetime import timedelta

    from oscart.core.database import utcnow
    assert purge_imports(now=utcnow() + timedelta(days=1, seconds=1)) == 1


def test_sample_files_open_in_excel_with_the_language_s_headers(hr):
    response = hr.get("/company/import/sample-de.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]][:3] == ["E-Mail-Adresse", "Vorname", "Nachname"]


def test_an_imported_person_without_a_password_can_be_invited_from_the_invitations_page(hr, company, outbox):
    import_file(hr, CSV.encode(), invite="later")
    response = hr.submit("/company/invitations", {"addresses": "an@example.org", "language": "nl"},
                         form_page="/company/invitations")
    assert "1 invitation sent." in hr.get(response.headers["Location"]).text
    assert [message["To"] for message in outbox] == ["an@example.org"]
