"""Who sees and downloads which certificate; company lists, filters and bulk downloads."""

import re
import zipfile
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from oscart.certificates import dates, issuing
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_certificate, make_company, make_course, make_user


@pytest.fixture
def world():
    """Two companies, each with an admin and a trainee holding one certificate."""
    acme, globex = make_company(name="Acme"), make_company(name="Globex")
    course = make_course(titles={"nl": "Veilig werken op hoogte"}, validity_months=36)
    anna = make_user(company=acme, first_name="Anna", last_name="Jansen")
    bruno = make_user(company=globex, first_name="Bruno", last_name="Martin")
    return {
        "acme": acme, "globex": globex, "course": course, "anna": anna, "bruno": bruno,
        "acme_hr": make_user(role=COMPANY_ADMIN, company=acme),
        "globex_hr": make_user(role=COMPANY_ADMIN, company=globex),
        "colleague": make_user(company=acme),
        "trainer": make_user(role=TRAINER),
        "admin": make_user(role=PLATFORM_ADMIN),
        "anna_cert": make_certificate(anna, course, completed_at=datetime(2026, 3, 12, 12, tzinfo=UTC)),
        "bruno_cert": make_certificate(bruno, course, completed_at=datetime(2026, 4, 2, 12, tzinfo=UTC)),
    }


@pytest.mark.parametrize(("who", "status"), [
    ("anna", 200), ("acme_hr", 200), ("admin", 200),
    ("bruno", 404), ("globex_hr", 404), ("colleague", 404), ("trainer", 404),
])
def test_download_of_annas_certificate_by_role_and_company(browser, world, who, status):
    browser.login(world[who].email)
    response = browser.get(f"/certificates/{world['anna_cert'].id}/download")
    assert response.status_code == status
    if status == 200:
        assert response.data == world["anna_cert"].pdf


def test_missing_and_foreign_ids_answer_alike(browser, world):
    browser.login(world["acme_hr"].email)
    foreign_url = f"/certificates/{world['bruno_cert'].id}/download"
    foreign, missing = browser.get(foreign_url), browser.get("/certificates/999999/download")
    assert foreign.status_code == missing.status_code == 404
    # CSRF tokens carry a timestamp in seconds: the two pages may be a second apart.
    def page(response, url):
        return re.sub(r'name="csrf_token" value="[^"]+"', "", response.text.replace(url, ""))
    assert page(foreign, foreign_url) == page(missing, "/certificates/999999/download")


def test_download_serves_stored_bytes_with_etag_name_and_cache_headers(browser, world):
    certificate = world["anna_cert"]
    browser.login(world["anna"].email)
    response = browser.get(f"/certificates/{certificate.id}/download")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["ETag"] == f'"{certificate.pdf_sha256}"'
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna.pdf"')
    assert "immutable" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    again = browser.get(f"/certificates/{certificate.id}/download",
                        headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get(f"/certificates/{world['anna_cert'].id}/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_trainee_sees_own_certificates_with_status_and_validity(browser, world):
    browser.login(world["anna"].email)
    page = browser.get("/certificates/")
    assert page.status_code == 200
    assert "Veilig werken op hoogte" in page.text and world["anna_cert"].code in page.text
    assert world["bruno_cert"].code not in page.text
    assert dates.add_months(date(2026, 3, 12), 36).year == 2029 and "2029" in page.text


@pytest.mark.parametrize("role", [TRAINEE, TRAINER])
def test_company_pages_need_company_manage(browser, world, role):
    user = world["anna"] if role == TRAINEE else world["trainer"]
    browser.login(user.email)
    for url in ("/certificates/company", "/certificates/company/certificates.zip",
                "/certificates/company/certificates.pdf", "/certificates/manage"):
        assert browser.get(url).status_code == 403


def test_company_list_shows_only_own_employees(browser, world):
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company")
    assert page.status_code == 200
    assert world["anna_cert"].code in page.text and world["bruno_cert"].code not in page.text


def test_company_bulk_zip_holds_only_own_company_with_safe_names(browser, world):
    second = make_user(company=world["acme"], first_name="Élodie", last_name="D'Hondt / Smet")
    make_certificate(second, world["course"], completed_at=datetime(2026, 3, 12, 12, tzinfo=UTC))
    browser.login(world["acme_hr"].email)
    response = browser.get("/certificates/company/certificates.zip")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    archive = zipfile.ZipFile(BytesIO(response.data))
    assert sorted(archive.namelist()) == ["2026-03-12_Veilig-werken-op-hoogte_D-Hondt-Smet-Elodie.pdf",
                                          "2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna.pdf"]
    assert archive.read("2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna.pdf") == world["anna_cert"].pdf


def test_same_file_names_are_numbered(browser, world):
    other = make_course(titles={"nl": "Veilig werken op hoogte"})
    make_certificate(world["anna"], other, completed_at=datetime(2026, 3, 12, 12, tzinfo=UTC))
    browser.login(world["acme_hr"].email)
    response = browser.get("/certificates/company/certificates.zip")
    names = sorted(zipfile.ZipFile(BytesIO(response.data)).namelist())
    assert names == ["2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna-2.pdf",
                     "2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna.pdf"]


def test_filters_narrow_list_and_bulk_download(browser, world):
    old_course = make_course(titles={"nl": "Eerste hulp"}, validity_months=12)
    expired = make_certificate(make_user(company=world["acme"], last_name="Peeters"), old_course,
                               completed_at=datetime(2024, 1, 10, 12, tzinfo=UTC))
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company?status=expired")
    assert expired.code in page.text and world["anna_cert"].code not in page.text
    page = browser.get(f"/certificates/company?course={world['course'].id}&date_from=2026-03-01")
    assert world["anna_cert"].code in page.text and expired.code not in page.text
    page = browser.get(f"/certificates/company?employee={world['anna'].id}")
    assert world["anna_cert"].code in page.text and expired.code not in page.text
    response = browser.get("/certificates/company/certificates.zip?status=expired")
    zipped = zipfile.ZipFile(BytesIO(response.data))
    assert zipped.namelist() == ["2024-01-10_Eerste-hulp_Peeters-" + expired.holder_name.split()[0] + ".pdf"]


def test_course_menu_offers_the_companys_courses_and_keeps_the_choice(browser, world):
    make_course(titles={"nl": "Nooit behaald"})  # a course without certificates at Acme
    browser.login(world["acme_hr"].email)
    page = browser.get(f"/certificates/company?course={world['course'].id}").text
    courses = page.split('<select id="course" name="course">')[1].split("</select>")[0]
    assert f'<option value="{world["course"].id}" selected>Veilig werken op hoogte</option>' in courses
    assert courses.count("<option") == 2 and "Nooit behaald" not in courses  # "all" and Acme's one course
    assert 'for="course"' in page and 'for="q"' in page  # the labels still name their fields


@pytest.mark.parametrize("search", ["jans", "ANNA JANSEN", "anna@acme.test", "P-0042"])
def test_employee_search_finds_by_name_e_mail_or_employee_number(browser, world, search):
    world["anna"].email, world["anna"].employee_number = "anna@acme.test", "P-0042"
    other = make_certificate(make_user(company=world["acme"], first_name="Piet", last_name="Peeters"),
                             world["course"])
    db.session.commit()
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company", query_string={"q": search}).text
    assert world["anna_cert"].code in page and other.code not in page
    assert '<select id="employee"' not in page  # no menu of every name any more
    field = page.split('id="q"')[1].split(">")[0]
    assert f'value="{search}"' in field


def test_employee_search_never_finds_another_companys_person(browser, world):
    browser.login(world["acme_hr"].email)
    for search in ("Martin", "Bruno", world["bruno"].email):
        page = browser.get("/certificates/company", query_string={"q": search}).text
        assert world["bruno_cert"].code not in page and world["anna_cert"].code not in page
        assert "Martin, Bruno" not in page


def test_employee_search_narrows_the_exports(browser, world):
    make_certificate(make_user(company=world["acme"], last_name="Peeters"), world["course"])
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company?q=jansen").text
    assert 'href="/certificates/company/certificates.zip?q=jansen"' in page
    zipped = zipfile.ZipFile(BytesIO(browser.get("/certificates/company/certificates.zip?q=jansen").data))
    assert [name for name in zipped.namelist() if "Jansen" in name] == zipped.namelist() and len(zipped.namelist()) == 1
    csv = browser.get("/certificates/company/certificates.csv?q=jansen").text
    assert "Jansen" in csv and "Peeters" not in csv


def test_employee_chosen_by_id_is_named_with_a_way_back_to_the_search(browser, world):
    make_certificate(make_user(company=world["acme"], last_name="Peeters"), world["course"])
    browser.login(world["acme_hr"].email)
    page = browser.get(f"/certificates/company?employee={world['anna'].id}&status=valid").text
    assert world["anna_cert"].code in page and "Peeters" not in page
    menu = page.split('<select id="employee" name="employee">')[1].split("</select>")[0]
    # The person is kept by "Filter"; "all" returns to the search. No menu of every name.
    assert f'<option value="{world["anna"].id}" selected>Jansen, Anna</option>' in menu
    assert '<option value="0">Alle medewerkers</option>' in menu and menu.count("<option") == 2
    assert f'href="/certificates/company/certificates.csv?employee={world["anna"].id}&amp;status=valid"' in page
    assert 'id="q"' not in page


def test_employee_without_certificates_is_named_too(browser, world):
    # Links from elsewhere (an employee's page) name any of the company's people.
    newcomer = make_user(company=world["acme"], first_name="Nieuw", last_name="Collega")
    browser.login(world["acme_hr"].email)
    page = browser.get(f"/certificates/company?employee={newcomer.id}").text
    assert f'<option value="{newcomer.id}" selected>Collega, Nieuw</option>' in page
    assert world["anna_cert"].code not in page


def test_foreign_or_missing_employee_id_reveals_nothing(browser, world):
    browser.login(world["acme_hr"].email)
    foreign = browser.get(f"/certificates/company?employee={world['bruno'].id}")
    missing = browser.get("/certificates/company?employee=999999")
    assert foreign.status_code == missing.status_code == 200
    assert "Martin" not in foreign.text and "Bruno" not in foreign.text and world["bruno_cert"].code not in foreign.text
    assert world["anna_cert"].code not in foreign.text
    assert re.search(r'selected>(Onbekende medewerker|Unknown employee)</option>', foreign.text)

    def main(text, id_):  # the page without its CSRF tokens and the id asked for
        text = text.split("<main")[1].split("</main>")[0]
        text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
        return text.replace(f'value="{id_}"', 'value="ID"').replace(f"employee={id_}", "employee=ID")

    assert main(foreign.text, world["bruno"].id) == main(missing.text, 999999)


def test_names_and_search_are_escaped(browser, world):
    eve = make_user(company=world["acme"], first_name="Eve", last_name="<b>O'Neil</b>")
    make_certificate(eve, world["course"])
    browser.login(world["acme_hr"].email)
    page = browser.get(f"/certificates/company?employee={eve.id}").text
    assert 'selected>&lt;b&gt;O&#39;Neil&lt;/b&gt;, Eve</option>' in page and "<b>O" not in page
    page = browser.get("/certificates/company", query_string={"q": "<b>O'Neil"}).text
    assert "&lt;b&gt;O&#39;Neil&lt;/b&gt;, Eve</td>" in page and "<b>O" not in page


def test_beyond_the_count_limit_the_page_says_more_than(browser, world, monkeypatch):
    from oscart.certificates import company_listing

    monkeypatch.setattr(company_listing, "COUNT_LIMIT", 3)
    for _ in range(4):
        make_certificate(make_user(company=world["acme"]), world["course"])
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company").text
    assert ">Meer dan 3 certificaten<" in page  # counted up to the limit only
    assert ">5 certificaten<" not in page
    assert 'name="format" value="zip"' in page  # that many are prepared in the background
    assert page.count("/download") == 5  # the page itself lists them all
    assert 'rel="next"' in page  # without a count of the pages, the next one is offered


def test_status_filters_expiring_and_revoked(browser, world):
    soon = local_time.today() - timedelta(days=365) + timedelta(days=10)
    expiring = make_certificate(make_user(company=world["acme"]), make_course(validity_months=12),
                                completed_at=datetime.combine(soon, datetime.min.time(), tzinfo=UTC) +
                                timedelta(hours=12))
    issuing.revoke_certificate(world["anna_cert"], actor=world["admin"], reason="wrong person")
    db.session.commit()
    browser.login(world["acme_hr"].email)
    page = browser.get("/certificates/company?status=expiring&within=30")
    assert expiring.code in page.text and world["anna_cert"].code not in page.text
    assert "cert-expiring" in page.text
    assert world["anna_cert"].code in browser.get("/certificates/company?status=revoked").text
    assert expiring.code not in browser.get("/certificates/company?status=expiring&within=5").text


def test_merged_pdf_has_one_page_per_certificate(browser, world):
    make_certificate(make_user(company=world["acme"]), world["course"])
    browser.login(world["acme_hr"].email)
    response = browser.get("/certificates/company/certificates.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert len(PdfReader(BytesIO(response.data)).pages) == 2


def test_empty_export_redirects_with_message(browser, world):
    browser.login(world["acme_hr"].email)
    response = browser.get("/certificates/company/certificates.zip?status=revoked")
    assert response.status_code == 302


@pytest.mark.parametrize("args", ["", "?q=anna", "?employee={anna}", "?status=valid&course={course}"])
def test_company_list_runs_fixed_number_of_queries(browser, world, count_queries, args):
    url = "/certificates/company" + args.format(anna=world["anna"].id, course=world["course"].id)
    browser.login(world["acme_hr"].email)
    with count_queries() as small:
        browser.get(url)
    for _ in range(6):
        make_certificate(make_user(company=world["acme"], first_name="Anna"), world["course"])
        make_certificate(world["anna"], make_course(validity_months=24))
    with count_queries() as large:
        page = browser.get(url)
    assert page.text.count("/download") >= 7
    assert large.count == small.count


def test_platform_admin_list_and_detail(browser, world):
    browser.login(world["admin"].email)
    page = browser.get(f"/certificates/manage?q={world['anna_cert'].code.lower()}")
    assert world["anna_cert"].code in page.text and world["bruno_cert"].code not in page.text
    assert browser.get(f"/certificates/manage/{world['bruno_cert'].id}").status_code == 200
    assert browser.get("/certificates/manage/999999").status_code == 404


def test_my_certificates_runs_fixed_number_of_queries(browser, world, count_queries):
    browser.login(world["anna"].email)
    with count_queries() as small:
        browser.get("/certificates/")
    for _ in range(5):
        make_certificate(world["anna"], make_course())
    with count_queries() as large:
        page = browser.get("/certificates/")
    assert page.text.count("/download") == 6
    assert large.count == small.count
