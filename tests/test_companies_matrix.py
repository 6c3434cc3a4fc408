"""The training matrix: a company admin sees which employees follow which course, and nothing of other companies."""

import re
from datetime import timedelta

from oscart.classroom.services import BRUSSELS
from oscart.database import utcnow
from oscart.security import COMPANY_ADMIN
from tests.factories import make_company, make_elearning_course, make_enrolment, make_user


def _company_with_people():
    acme = make_company(name="Acme")
    hr = make_user(role=COMPANY_ADMIN, company=acme, first_name="Hilde", last_name="Hr")
    anna = make_user(company=acme, first_name="Anna", last_name="Aerts")
    bert = make_user(company=acme, first_name="Bert", last_name="Bos")
    carl = make_user(company=acme, first_name="Carl", last_name="Claes")
    return acme, hr, anna, bert, carl


def _cells(html, name):
    row = re.search(rf"<th scope=\"row\">{name}</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip() for cell in cells]


def test_matrix_shows_each_employee_against_the_courses_they_follow(browser):
    _acme, hr, anna, bert, carl = _company_with_people()
    now = utcnow()
    lifting = make_elearning_course(titles={"nl": "Veilig heffen", "fr": "Soulever"})
    first_aid = make_elearning_course(titles={"fr": "Premiers secours"})  # no Dutch title: falls back
    make_enrolment(anna, lifting, status="completed", progress_percent=100, completed_at=now - timedelta(days=2))
    make_enrolment(bert, lifting, progress_percent=40, due_at=now - timedelta(days=3))
    make_enrolment(carl, lifting, progress_percent=10, due_at=now + timedelta(days=10))
    make_enrolment(anna, first_aid, progress_percent=50)
    browser.login(hr.email)
    html = browser.get("/company/training").text
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html)
    assert headers == ["Medewerker", "Veilig heffen", "Premiers secours"]  # the most followed course first
    assert _cells(html, "Aerts, Anna")[0].startswith("Afgewerkt op") and _cells(html, "Aerts, Anna")[1] == "50%"
    assert _cells(html, "Bos, Bert")[0].startswith("40% Te laat sinds")
    assert _cells(html, "Claes, Carl")[0].startswith("10% Af te werken tegen")
    assert _cells(html, "Bos, Bert")[1] == "— Niet ingeschreven"
    assert _cells(html, "Hr, Hilde") == ["— Niet ingeschreven", "— Niet ingeschreven"]


def test_company_home_leads_to_the_matrix_which_marks_deactivated_people(browser):
    _acme, hr, anna, _bert, _carl = _company_with_people()
    anna.is_active = False
    make_enrolment(anna, make_elearning_course(titles={"nl": "Veilig heffen"}))
    browser.login(hr.email)
    assert 'href="/company/training"' in browser.get("/company/").text
    html = browser.get("/company/training").text
    assert re.search(r'<th scope="row">Aerts, Anna <span class="badge">Gedeactiveerd</span></th>', html)


def test_matrix_filters_by_course_and_by_name(browser):
    _acme, hr, anna, bert, _carl = _company_with_people()
    lifting, first_aid = make_elearning_course(titles={"nl": "Veilig heffen"}), make_elearning_course(
        titles={"nl": "Eerste hulp"})
    make_enrolment(anna, lifting)
    make_enrolment(bert, first_aid)
    browser.login(hr.email)
    html = browser.get(f"/company/training?course={first_aid.id}").text
    assert re.findall(r'<th scope="col">([^<]+)</th>', html) == ["Medewerker", "Eerste hulp"]
    assert f'<option value="{first_aid.id}" selected>Eerste hulp</option>' in html
    html = browser.get("/company/training?q=bert").text
    assert "Bos, Bert" in html and "Aerts, Anna" not in html


def test_matrix_never_shows_other_companies_or_hidden_people(browser):
    acme, hr, anna, _bert, _carl = _company_with_people()
    globex = make_company(name="Globex")
    other = make_user(company=globex, first_name="Olga", last_name="Other")
    restricted = make_user(company=acme, first_name="Rita", last_name="Restricted", is_restricted=True)
    theirs = make_elearning_course(titles={"nl": "Alleen bij Globex"})
    make_enrolment(other, theirs)
    make_enrolment(restricted, theirs)
    make_enrolment(anna, make_elearning_course(titles={"nl": "Bij Acme"}))
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert "Bij Acme" in html
    assert "Alleen bij Globex" not in html and "Other, Olga" not in html and "Restricted" not in html
    foreign = browser.get(f"/company/training?course={theirs.id}").text
    assert "Alleen bij Globex" not in foreign and "Geen enkele medewerker volgt deze opleiding." in foreign


def test_matrix_without_followed_courses_points_to_assigning_one(browser):
    _acme, hr, *_people = _company_with_people()
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert "Geen enkele medewerker volgt al een opleiding." in html
    assert 'href="/training/company/assign"' in html


def test_matrix_reads_a_fixed_number_of_queries_whatever_the_company_size(browser, count_queries):
    counts = []
    for size in (1, 6):
        acme = make_company()
        hr = make_user(role=COMPANY_ADMIN, company=acme)
        courses = [make_elearning_course(titles={"nl": f"Cursus {n}", "fr": f"Cours {n}"}) for n in range(size * 3)]
        for n in range(size * 5):
            person = make_user(company=acme)
            for course in courses[: 1 + n % len(courses)]:
                make_enrolment(person, course, progress_percent=n)
        browser.login(hr.email)
        browser.get("/company/training")
        with count_queries() as counter:
            assert browser.get("/company/training").status_code == 200
        counts.append(counter.count)
        browser.logout()
    # the session load, the followed courses with their titles, the employees' count and page, their enrolments
    assert counts == [5, 5], counts


def test_matrix_exports_every_employee_and_course_followed_as_csv(browser):
    import csv
    import io

    acme, hr, anna, bert, _carl = _company_with_people()
    mallory = make_user(company=acme, first_name="=HYPERLINK(1)", last_name="Mallory")
    other = make_user(company=make_company(), first_name="Olga", last_name="Other")
    lifting = make_elearning_course(code="LIFT-1", titles={"nl": "Veilig heffen", "fr": "Soulever"})
    now = utcnow()
    make_enrolment(anna, lifting, status="completed", progress_percent=100, completed_at=now)
    make_enrolment(bert, lifting, progress_percent=40, due_at=now + timedelta(days=5))
    make_enrolment(mallory, lifting)
    make_enrolment(other, lifting)
    browser.login(hr.email)
    assert 'href="/company/training.csv"' in browser.get("/company/training").text
    response = browser.get("/company/training.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    # Dutch Excel splits on semicolons
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["Achternaam", "Voornaam", "E-mailadres", "Code", "Opleiding", "Status", "Voortgang (%)",
                        "Deadline", "Afgerond op"]
    assert lines[1] == ["Aerts", "Anna", anna.email, "LIFT-1", "Veilig heffen", "Afgewerkt", "100", "",
                        now.astimezone(BRUSSELS).date().isoformat()]
    assert lines[2][:7] == ["Bos", "Bert", bert.email, "LIFT-1", "Veilig heffen", "Bezig", "40"]
    assert lines[3][:2] == ["Mallory", "'=HYPERLINK(1)"]  # read as text, not as a formula
    assert len(lines) == 4  # nobody of another company
