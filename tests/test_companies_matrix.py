"""The training matrix: a company admin sees where each employee stands in each course, filters and pages it on
both axes, exports what the filters select, and never sees anything of other companies."""

import csv
import io
import re
from datetime import timedelta

from openpyxl import load_workbook

from oscart.companies.models import Group, GroupMember, JobRole
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.local_time import BRUSSELS
from oscart.core.security import COMPANY_ADMIN
from tests.factories import (
    make_certificate,
    make_classroom_course,
    make_company,
    make_course,
    make_elearning_course,
    make_enrolment,
    make_registration,
    make_training_session,
    make_user,
)


def _company_with_people(language="nl"):
    acme = make_company(name="Acme")
    hr = make_user(role=COMPANY_ADMIN, company=acme, first_name="Hilde", last_name="Hr", language=language)
    anna = make_user(company=acme, first_name="Anna", last_name="Aerts")
    bert = make_user(company=acme, first_name="Bert", last_name="Bos")
    carl = make_user(company=acme, first_name="Carl", last_name="Claes")
    return acme, hr, anna, bert, carl


def _text(fragment):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def _cells(html, name):
    row = re.search(rf"<th scope=\"row\">{name}(?: <span[^>]*>[^<]*</span>)?</th>(.*?)</tr>", html, re.S).group(1)
    return [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _rows(html):
    return re.findall(r'<th scope="row">([^<]+)', html)


def _headers(html):
    return re.findall(r'<th scope="col">([^<]+)</th>', html)


def _day(moment):
    return moment.astimezone(BRUSSELS).date()


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
    assert _headers(html) == ["Medewerker", "Veilig heffen", "Premiers secours"]  # the most followed course first
    assert _cells(html, "Aerts, Anna")[0].startswith("Afgewerkt op")
    assert _cells(html, "Bos, Bert")[0].startswith("Te laat sinds")
    assert _cells(html, "Bos, Bert")[1] == "— Niet ingeschreven"
    assert _cells(html, "Hr, Hilde") == ["— Niet ingeschreven", "— Niet ingeschreven"]


def test_each_cell_status_in_words_with_required_apart_from_optional(browser):
    acme, hr, anna, *_ = _company_with_people(language="en")
    now, today = utcnow(), local_time.today()
    people = {name: make_user(company=acme, first_name=name, last_name="Test") for name in (
        "Notstarted", "Registered", "Started", "Completed", "Valid", "Expiring", "Expired", "Overdue", "Required")}
    course = make_course(titles={"en": "Forklift"}, validity_months=12)
    make_enrolment(people["Notstarted"], course)
    session = make_training_session(course)
    make_registration(session, people["Registered"])
    make_enrolment(people["Started"], course, progress_percent=30)
    make_enrolment(people["Completed"], course, status="completed", progress_percent=100, completed_at=now)
    for name, valid_until in (("Valid", today + timedelta(days=200)), ("Expiring", today + timedelta(days=20)),
                              ("Expired", today - timedelta(days=1))):
        make_certificate(people[name], course).valid_until = valid_until
    db.session.commit()
    make_enrolment(people["Overdue"], course, progress_percent=60, due_at=now - timedelta(days=2))
    make_enrolment(people["Required"], course, due_at=now + timedelta(days=9))
    browser.login(hr.email)
    html = browser.get("/company/training").text
    medium = lambda day: f"{day.day} {day:%b} {day.year}"  # noqa: E731  (the medium date in English)
    expected = {
        "Notstarted": "Not started",
        "Registered": f"Registered for {medium(_day(session.starts_at))}",
        "Started": "In progress: 30%",
        "Completed": f"Completed on {medium(_day(now))}",
        "Valid": f"Valid until {medium(today + timedelta(days=200))}",
        "Expiring": f"Expiring: valid until {medium(today + timedelta(days=20))}",
        "Expired": f"Expired on {medium(today - timedelta(days=1))}",
        "Overdue": f"Overdue since {medium(_day(now - timedelta(days=2)))} Required",
        "Required": f"Not started Required, due {medium(_day(now + timedelta(days=9)))}",
    }
    for name, text in expected.items():
        assert _cells(html, f"Test, {name}") == [text], name
    assert html.count('class="required-tag"') == 2  # only the assigned ones say "Required"


def test_status_filter_keeps_the_people_with_such_a_cell(browser):
    _acme, hr, anna, bert, carl = _company_with_people(language="en")
    now = utcnow()
    course = make_elearning_course(titles={"en": "Ladders"})
    other = make_elearning_course(titles={"en": "Fire"})
    make_enrolment(anna, course, due_at=now - timedelta(days=1))
    make_enrolment(bert, course, progress_percent=20)
    make_enrolment(carl, other, due_at=now - timedelta(days=1))
    browser.login(hr.email)
    assert _rows(browser.get("/company/training?status=overdue").text) == ["Aerts, Anna", "Claes, Carl"]
    assert _rows(browser.get(f"/company/training?status=overdue&course={course.id}").text) == ["Aerts, Anna"]
    assert _rows(browser.get("/company/training?status=in_progress").text) == ["Bos, Bert"]
    assert len(_rows(browser.get("/company/training?status=nonsense").text)) == 4  # unknown: no filter


def test_matrix_filters_by_group_and_job_role(browser):
    acme, hr, anna, bert, carl = _company_with_people(language="en")
    make_enrolment(anna, make_elearning_course(titles={"en": "Ladders"}))
    site = Group(company_id=acme.id, name="Site Gent")
    driver = JobRole(company_id=acme.id, name="Driver")
    db.session.add_all([site, driver])
    db.session.flush()
    db.session.add_all([GroupMember(group_id=site.id, user_id=anna.id), GroupMember(group_id=site.id, user_id=carl.id)])
    bert.job_role_id = carl.job_role_id = driver.id
    db.session.commit()
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert f'<option value="{site.id}">Site Gent</option>' in html
    assert f'<option value="{driver.id}">Driver</option>' in html
    assert _rows(browser.get(f"/company/training?group={site.id}").text) == ["Aerts, Anna", "Claes, Carl"]
    assert _rows(browser.get(f"/company/training?job_role={driver.id}").text) == ["Bos, Bert", "Claes, Carl"]
    assert _rows(browser.get(f"/company/training?group={site.id}&job_role={driver.id}").text) == ["Claes, Carl"]


def test_foreign_groups_and_roles_find_nobody_and_are_never_offered(browser):
    _acme, hr, anna, *_ = _company_with_people(language="en")
    globex = make_company(name="Globex")
    theirs = Group(company_id=globex.id, name="Globex site")
    their_role = JobRole(company_id=globex.id, name="Globex role")
    db.session.add_all([theirs, their_role])
    db.session.flush()
    olga = make_user(company=globex, first_name="Olga", last_name="Other", job_role_id=their_role.id)
    db.session.add(GroupMember(group_id=theirs.id, user_id=olga.id))
    db.session.commit()
    make_enrolment(anna, make_elearning_course(titles={"en": "Ladders"}))
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert "Globex site" not in html and "Globex role" not in html
    for query in (f"group={theirs.id}", f"job_role={their_role.id}"):
        response = browser.get(f"/company/training?{query}")
        assert response.status_code == 200 and _rows(response.text) == [] and "Other" not in response.text


def test_deactivated_people_are_left_out_unless_asked_for(browser):
    _acme, hr, anna, _bert, _carl = _company_with_people()
    anna.is_active = False
    anna.deactivated_at = utcnow()
    make_enrolment(anna, make_elearning_course(titles={"nl": "Veilig heffen"}))
    browser.login(hr.email)
    assert 'href="/company/training"' in browser.get("/company/").text
    assert "Aerts, Anna" not in browser.get("/company/training").text
    html = browser.get("/company/training?inactive=1").text
    assert re.search(r'<th scope="row">Aerts, Anna <span class="badge">Gedeactiveerd</span></th>', html)


def test_matrix_filters_by_course_and_by_name(browser):
    _acme, hr, anna, bert, _carl = _company_with_people()
    lifting, first_aid = make_elearning_course(titles={"nl": "Veilig heffen"}), make_elearning_course(
        titles={"nl": "Eerste hulp"})
    make_enrolment(anna, lifting)
    make_enrolment(bert, first_aid)
    browser.login(hr.email)
    html = browser.get(f"/company/training?course={first_aid.id}").text
    assert _headers(html) == ["Medewerker", "Eerste hulp"]
    assert f'<option value="{first_aid.id}" selected>Eerste hulp</option>' in html
    html = browser.get("/company/training?q=bert").text
    assert "Bos, Bert" in html and "Aerts, Anna" not in html
    anna.employee_number = "E-4711"  # the people page, the assign page and the matrix find people alike
    db.session.commit()
    html = browser.get("/company/training?q=e-4711").text
    assert "Aerts, Anna" in html and "Bos, Bert" not in html


def test_matrix_pages_people_and_courses(browser):
    acme, hr, *_ = _company_with_people(language="en")
    courses = [make_elearning_course(titles={"en": f"Course {n:02d}"}, code=f"K{n:02d}", lessons=1)
               for n in range(12)]
    people = [make_user(company=acme, first_name="P", last_name=f"Person {n:02d}") for n in range(27)]
    for n, course in enumerate(courses):  # course n followed by 12 - n people: the order of the columns
        for person in people[: 12 - n]:
            make_enrolment(person, course)
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert _headers(html)[1:] == [f"Course {n:02d}" for n in range(8)]  # what a screen shows: 20 people × 8
    assert len(_rows(html)) == 20 and "Courses 1–8 of 12" in html
    html = browser.get("/company/training?cpage=2&page=2").text
    assert _headers(html)[1:] == [f"Course {n:02d}" for n in range(8, 12)] and "Courses 9–12 of 12" in html
    assert _rows(html) == [f"Person {n}, P" for n in range(16, 27)]  # after Aerts, Bos, Claes, Hr and 16 more
    assert 'href="/company/training?cpage=1&amp;page=2"' in html  # the other axis keeps its page
    assert "Page 2 of 2" in html


def test_matrix_never_shows_other_companies_or_hidden_people(browser):
    acme, hr, anna, _bert, _carl = _company_with_people()
    globex = make_company(name="Globex")
    other = make_user(company=globex, first_name="Olga", last_name="Other")
    restricted = make_user(company=acme, first_name="Rita", last_name="Restricted", is_restricted=True)
    theirs = make_elearning_course(titles={"nl": "Alleen bij Globex"})
    make_enrolment(other, theirs, due_at=utcnow() - timedelta(days=1))
    make_enrolment(restricted, theirs)
    make_enrolment(anna, make_elearning_course(titles={"nl": "Bij Acme"}))
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert "Bij Acme" in html
    assert "Alleen bij Globex" not in html and "Other, Olga" not in html and "Restricted" not in html
    foreign = browser.get(f"/company/training?course={theirs.id}").text
    assert "Alleen bij Globex" not in foreign and "Geen enkele medewerker volgt deze opleiding." in foreign
    assert _rows(browser.get("/company/training?status=overdue").text) == []
    exported = browser.get(f"/company/training.csv?course={theirs.id}").get_data(as_text=True)
    assert "Olga" not in exported and "Globex" not in exported


def test_matrix_cells_and_names_are_escaped(browser):
    _acme, hr, anna, *_rest = _company_with_people()
    anna.first_name, anna.last_name = "<b>Anna</b>", "Aerts & Co"
    make_enrolment(anna, make_elearning_course(titles={"nl": "Heffen <veilig>"}), progress_percent=30)
    db.session.commit()
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert '<th scope="row">Aerts &amp; Co, &lt;b&gt;Anna&lt;/b&gt;</th>' in html
    assert "<th scope=\"col\">Heffen &lt;veilig&gt;</th>" in html and "<b>" not in html


def test_matrix_without_followed_courses_points_to_assigning_one(browser):
    _acme, hr, *_people = _company_with_people()
    browser.login(hr.email)
    html = browser.get("/company/training").text
    assert "Geen enkele medewerker volgt al een opleiding." in html
    assert 'href="/training/company/assign"' in html


def test_matrix_reads_a_fixed_number_of_queries_whatever_the_company_size(browser, count_queries):
    counts = {}
    for size in (1, 6):
        acme = make_company()
        hr = make_user(role=COMPANY_ADMIN, company=acme)
        group = Group(company_id=acme.id, name=f"Group {size}")
        db.session.add(group)
        db.session.flush()
        courses = [make_elearning_course(titles={"nl": f"Cursus {n}", "fr": f"Cours {n}"}) for n in range(size * 3)]
        for n in range(size * 5):
            person = make_user(company=acme)
            db.session.add(GroupMember(group_id=group.id, user_id=person.id))
            for course in courses[: 1 + n % len(courses)]:
                make_enrolment(person, course, progress_percent=n, due_at=utcnow() - timedelta(days=n % 2))
            make_certificate(person, make_course(validity_months=12))
            make_registration(make_training_session(make_classroom_course()), person)
        browser.login(hr.email)
        for url in ("/company/training", f"/company/training?status=overdue&group={group.id}&q=e&cpage=2"):
            browser.get(url)
            with count_queries() as counter:
                assert browser.get(url).status_code == 200
            counts.setdefault(url.split("?")[0] + ("?" if "?" in url else ""), []).append(counter.count)
        browser.logout()
    # the session load; the courses, groups and job roles; the page of people with their count; their cells
    assert counts == {"/company/training": [4, 4], "/company/training?": [4, 4]}, counts


def _export(browser, url):
    response = browser.get(url)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def test_matrix_exports_every_cell_of_every_page_as_csv(browser):
    acme, hr, anna, bert, _carl = _company_with_people()
    mallory = make_user(company=acme, first_name="=HYPERLINK(1)", last_name="Mallory")
    other = make_user(company=make_company(), first_name="Olga", last_name="Other")
    lifting = make_elearning_course(code="LIFT-1", titles={"nl": "Veilig heffen", "fr": "Soulever"})
    now = utcnow()
    make_enrolment(anna, lifting, status="completed", progress_percent=100, completed_at=now)
    make_enrolment(bert, lifting, progress_percent=40, due_at=now + timedelta(days=5))
    make_enrolment(mallory, lifting)
    make_enrolment(other, lifting)
    for n in range(30):  # more people than one page
        make_enrolment(make_user(company=acme, last_name=f"Zz{n:02d}"), lifting)
    browser.login(hr.email)
    assert 'href="/company/training.csv"' in browser.get("/company/training").text
    lines = _export(browser, "/company/training.csv")
    assert lines[0] == ["Achternaam", "Voornaam", "E-mailadres", "Code", "Opleiding", "Status", "Verplicht",
                        "Voortgang (%)", "Deadline", "Afgerond op", "Geldig tot"]
    assert lines[1] == ["Aerts", "Anna", anna.email, "LIFT-1", "Veilig heffen", "Afgewerkt", "Nee", "100", "",
                        _day(now).isoformat(), ""]
    assert lines[2] == ["Bos", "Bert", bert.email, "LIFT-1", "Veilig heffen", "Bezig", "Ja", "40",
                        _day(now + timedelta(days=5)).isoformat(), "", ""]
    assert lines[3][:2] == ["Mallory", "'=HYPERLINK(1)"]  # read as text, not as a formula
    assert len(lines) == 1 + 3 + 30  # every page, nobody of another company


def test_exports_follow_the_filters_of_the_page(browser):
    acme, hr, anna, bert, carl = _company_with_people()
    site = Group(company_id=acme.id, name="Site")
    db.session.add(site)
    db.session.flush()
    db.session.add_all([GroupMember(group_id=site.id, user_id=anna.id), GroupMember(group_id=site.id, user_id=bert.id)])
    db.session.commit()
    now = utcnow()
    lifting = make_elearning_course(code="LIFT", titles={"nl": "Heffen"})
    fire = make_elearning_course(code="FIRE", titles={"nl": "Brand"})
    make_enrolment(anna, lifting, due_at=now - timedelta(days=1))
    make_enrolment(anna, fire, progress_percent=10)
    make_enrolment(bert, fire, due_at=now - timedelta(days=1))
    make_enrolment(carl, lifting, due_at=now - timedelta(days=1))
    browser.login(hr.email)
    page = browser.get(f"/company/training?group={site.id}&status=overdue").text
    assert f'href="/company/training.csv?group={site.id}&amp;status=overdue"' in page
    lines = _export(browser, f"/company/training.csv?group={site.id}&status=overdue")
    assert [(line[0], line[3], line[5]) for line in lines[1:]] == [("Aerts", "LIFT", "Te laat"),
                                                                   ("Bos", "FIRE", "Te laat")]
    lines = _export(browser, f"/company/training.csv?course={fire.id}&q=aerts")
    assert [(line[0], line[3]) for line in lines[1:]] == [("Aerts", "FIRE")]
    workbook = load_workbook(io.BytesIO(browser.get(f"/company/training.xlsx?group={site.id}&status=overdue").data))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert [(row[0], row[3]) for row in values[1:]] == [("Aerts", "LIFT"), ("Bos", "FIRE")]
