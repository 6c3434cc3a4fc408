"""The company report: figures counted right for a small company, nothing of another company or of deactivated
people, charts that need no script, a table of each chart's figures, filters, the export, constant queries."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from oscart.classroom.models import Attendance, SessionPart
from oscart.companies.models import Group, GroupMember
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.reports import figures
from oscart.training.texts import preferred_languages
from tests.factories import (
    make_certificate,
    make_company,
    make_course,
    make_enrolment,
    make_training_session,
    make_user,
    past_parts,
)


def _month_index(months, moment):
    day = moment.astimezone(local_time.BRUSSELS).date() if hasattr(moment, "astimezone") else moment
    return next(index for index, month in enumerate(months) if (month.start.year, month.start.month) ==
                (day.year, day.month))


def _attend(session, user, status):
    part = db.session.scalar(select(SessionPart).where(SessionPart.session_id == session.id))
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at, user_id=user.id,
                              status=status, minutes=0 if status in ("absent", "excused") else 60))
    db.session.commit()


def _world(company_name="Acme"):
    """A company with three people (Anna and Bert in group Site), two courses, a certificate and a session."""
    now = utcnow()
    acme = make_company(name=company_name)
    hr = make_user(role=COMPANY_ADMIN, company=acme, language="en")
    anna, bert, carl = (make_user(company=acme, first_name=name) for name in ("Anna", "Bert", "Carl"))
    site = Group(company_id=acme.id, name=f"Site {company_name}")
    db.session.add(site)
    db.session.flush()
    db.session.add_all([GroupMember(group_id=site.id, user_id=anna.id), GroupMember(group_id=site.id, user_id=bert.id)])
    db.session.commit()
    ladders = make_course(titles={"en": "Ladders", "nl": "Ladders (nl)"})
    fire = make_course(titles={"en": "Fire"})
    make_enrolment(anna, ladders, status="completed", progress_percent=100, enrolled_at=now - timedelta(days=20),
                   completed_at=now - timedelta(hours=5), due_at=now + timedelta(days=3))
    make_enrolment(bert, ladders, due_at=now - timedelta(hours=1))  # overdue
    make_enrolment(carl, ladders, due_at=now + timedelta(days=5))  # not yet due
    make_enrolment(anna, fire, status="completed", progress_percent=100, due_at=now - timedelta(hours=3),
                   completed_at=now - timedelta(hours=2))  # completed late: was overdue
    certificate = make_certificate(carl, make_course(validity_months=12))
    certificate.valid_until = local_time.today() + timedelta(days=40)
    revoked = make_certificate(bert, make_course(validity_months=12))
    revoked.valid_until, revoked.revoked_at = local_time.today() + timedelta(days=40), now
    db.session.commit()
    session = make_training_session(parts=past_parts(hours_ago=30))
    for person, status in ((anna, "present"), (bert, "absent"), (carl, "excused")):
        _attend(session, person, status)
    return {"company": acme, "hr": hr, "anna": anna, "bert": bert, "carl": carl, "site": site, "ladders": ladders,
            "fire": fire, "session": session, "now": now}


def _rates(rates, labels=("Ladders", "Fire")):
    """(label, done, total) of the named courses (the certificates' courses are followed too)."""
    return [(rate.label, rate.done, rate.total) for rate in rates if rate.label in labels]


def _report(app, hr, **filters):
    with app.test_request_context():
        return figures.load_report(hr, preferred_languages(hr), figures.ReportFilters(**filters))


def test_figures_of_a_small_company(app):
    world = _world()
    report = _report(app, world["hr"])
    assert _rates(report.courses) == [("Ladders", 1, 3), ("Fire", 1, 1)]
    assert len(report.courses) == 4  # and the courses of Carl's and Bert's certificates, completed
    assert _rates(report.groups, ["Site Acme"]) == [("Site Acme", 3, 4)]  # Anna's two, Bert's two
    overdue = [0] * 12
    overdue[_month_index(report.overdue, world["now"] - timedelta(hours=1))] += 1
    overdue[_month_index(report.overdue, world["now"] - timedelta(hours=3))] += 1
    assert [month.count for month in report.overdue] == overdue
    expiring = [0] * 12
    expiring[_month_index(report.expiring, local_time.today() + timedelta(days=40))] = 1  # the revoked one not
    assert [month.count for month in report.expiring] == expiring
    held = _month_index(report.attendance, world["session"].starts_at)
    assert [(month.count, month.total) for month in report.attendance] == [
        (1, 2) if index == held else (0, 0) for index in range(12)]  # the excused absence left out
    assert report.overdue[-1].start == local_time.today().replace(day=1) == report.expiring[0].start


def test_figures_never_count_other_companies_or_deactivated_people(app):
    world = _world()
    other = _world("Globex")  # the same again in another company
    world["carl"].is_active = False
    world["carl"].deactivated_at = utcnow()
    db.session.commit()
    report = _report(app, world["hr"])
    assert _rates(report.courses) == [("Ladders", 1, 2), ("Fire", 1, 1)] and len(report.courses) == 3
    assert [rate.label for rate in report.groups] == ["Site Acme"]
    assert [choice[1] for choice in report.group_choices] == ["Site Acme"]
    assert sum(month.count for month in report.expiring) == 0  # Carl's certificate
    assert sum(month.total for month in report.attendance) == 2 - 0  # Anna and Bert; Carl's was excused
    assert sum(month.count for month in _report(app, other["hr"]).overdue) == 2


def test_group_and_period_filters(app):
    world = _world()
    report = _report(app, world["hr"], group_id=world["site"].id, months=3)
    assert _rates(report.courses) == [("Ladders", 1, 2), ("Fire", 1, 1)] and len(report.courses) == 3
    assert len(report.overdue) == len(report.expiring) == len(report.attendance) == 3
    foreign = _world("Globex")["site"]
    report = _report(app, world["hr"], group_id=foreign.id)
    assert report.courses == [] and report.groups == [] and sum(month.count for month in report.overdue) == 0


def test_completions_before_the_period_are_left_out(app):
    world = _world()
    make_enrolment(world["carl"], world["fire"], status="completed", enrolled_at=world["now"] - timedelta(days=400),
                   completed_at=world["now"] - timedelta(days=380))
    report = _report(app, world["hr"], months=6)
    assert _rates(report.courses) == [("Ladders", 1, 3), ("Fire", 1, 1)]
    assert _rates(_report(app, world["hr"], months=24).courses) == [("Ladders", 1, 3), ("Fire", 2, 2)]


def test_page_draws_charts_without_script_with_a_table_beside_each(browser):
    world = _world()
    browser.login(world["hr"].email)
    html = browser.get("/company/reports").text
    assert html.count("<svg") == 5 and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert html.count("<table") == 5
    assert re.search(r'data-label="Course">Ladders</td><td class="num" data-label="Completed">1 of 3</td>'
                     r'<td class="num" data-label="Completion rate">33%', html)
    assert f'<option value="{world["site"].id}">Site Acme</option>' in html
    assert 'href="/company/reports.xlsx"' in html


def test_numbers_and_months_in_the_readers_language(browser):
    world = _world()
    world["hr"].language = "fr"
    db.session.commit()
    browser.login(world["hr"].email)
    html = browser.get("/company/reports").text
    assert "33\u00a0%" in html or "33 %" in html  # French writes a space before the percent sign
    assert re.search(r"<td data-label=\"[^\"]+\">(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
                     r"novembre|décembre) \d{4}</td>", html)


def test_export_holds_every_figure(browser):
    world = _world()
    browser.login(world["hr"].email)
    page = browser.get(f"/company/reports?group={world['site'].id}&period=6").text
    assert f'href="/company/reports.xlsx?group={world["site"].id}&amp;period=6"' in page
    response = browser.get(f"/company/reports.xlsx?group={world['site'].id}&period=6")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    values = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows()]
    assert values[0] == ["Figure", "Item", "Count", "Out of", "Rate (%)"]
    assert ["Completion rate per course", "Ladders", 1, 2, 50] in values
    assert len([row for row in values if row[0] == "Overdue per month"]) == 6
    assert sum(row[2] for row in values if row[0] == "Overdue per month") == 2


def test_report_reads_a_fixed_number_of_queries(browser, count_queries):
    counts = []
    for size in (1, 5):
        worlds = [_world(f"Company {size}-{n}") for n in range(size)]
        hr = worlds[0]["hr"]
        for world in worlds[1:]:  # more people, courses and groups in the first company
            for key in ("anna", "bert", "carl"):
                world[key].company_id = hr.company_id
            world["site"].company_id = hr.company_id
        db.session.commit()
        browser.login(hr.email)
        for url in ("/company/reports", f"/company/reports?group={worlds[0]['site'].id}&period=24"):
            browser.get(url)
            with count_queries() as counter:
                assert browser.get(url).status_code == 200
            counts.append(counter.count)
        browser.logout()
    assert counts == [2, 2, 2, 2], counts  # the session load, then every figure in one statement
