"""The kept summaries (the training matrix's cells and the report's counts) always equal what the enrolment,
certificate, registration and attendance rows give, after every kind of change, through the services and through
bulk statements, now and later (due dates passing, certificates starting to expire); and a rebuild from the rows
gives the same rows."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, union_all, update

from oscart.accounts.models import User
from oscart.assignments import cells
from oscart.assignments.counts import ALWAYS, FOLLOWED
from oscart.assignments.rules import save_rule
from oscart.assignments.summaries import rebuild
from oscart.assignments.summary_models import MatrixCell, SummaryCount
from oscart.certificates.issuing import issue_manually, revoke_certificate
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance, Registration, SessionPart, TrainingSession
from oscart.companies.groups import add_member, delete_group, remove_member
from oscart.companies.models import Group, GroupMember
from oscart.companies.services import visible_employees
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.reports import figures, from_rows
from oscart.training.completion import complete_enrolment
from oscart.training.models import Enrolment
from oscart.training.texts import preferred_languages
from oscart.workspace import matrix_cells
from oscart.workspace.people import deactivate_person, reactivate_person
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
    past_parts,
)


def _world():
    now = utcnow()
    acme = make_company(name="Acme")
    hr = make_user(role=COMPANY_ADMIN, company=acme, language="en")
    people = [make_user(company=acme, first_name=f"P{n}") for n in range(6)]
    site, office = (Group(company_id=acme.id, name=name) for name in ("Site", "Office"))
    db.session.add_all([site, office])
    db.session.flush()
    db.session.add_all([GroupMember(group_id=site.id, user_id=person.id) for person in people[:4]]
                       + [GroupMember(group_id=office.id, user_id=person.id) for person in people[3:]])
    db.session.commit()
    ladders = make_elearning_course(titles={"en": "Ladders"}, lessons=1)
    fire = make_course(titles={"en": "Fire"}, validity_months=12)
    for n, person in enumerate(people):
        make_enrolment(person, ladders, progress_percent=10 * n, enrolled_at=now - timedelta(days=40 * n + 1),
                       due_at=now + timedelta(days=n * 9 - 20) if n % 2 else None)
    make_certificate(people[0], fire, completed_at=now - timedelta(days=300))
    make_certificate(people[1], fire, completed_at=now - timedelta(days=390))
    classroom = make_classroom_course(title="Safety")
    session = make_training_session(classroom, parts=past_parts(hours_ago=50))
    coming = make_training_session(classroom)
    for person, status in zip(people, ("present", "absent", "excused", "late"), strict=False):
        make_registration(session, person)
        part = db.session.scalar(select(SessionPart).where(SessionPart.session_id == session.id))
        db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                                  user_id=person.id, status=status, minutes=0 if status in ("absent", "excused")
                                  else 60))
    make_registration(coming, people[5])
    db.session.commit()
    make_user(company=make_company(name="Globex"))  # and another company, never counted with Acme
    return {"company": acme, "hr": hr, "people": people, "site": site, "office": office, "ladders": ladders,
            "fire": fire, "session": session, "coming": coming, "now": now}


def _check(world, *, now=None):
    """The report and the matrix's cells and column counts from the summaries equal those from the rows."""
    hr = world["hr"]
    preferred = preferred_languages(hr)
    for months in figures.PERIODS:
        for group_id in (None, *(group.id for group in _groups(hr.company_id))):
            filters = figures.ReportFilters(months=months, group_id=group_id)
            assert figures.load_report(hr, preferred, filters, now=now) == \
                from_rows.load_report(hr, preferred, filters, now=now), filters
    assert _stored_cells(hr.company_id, now) == _cells_from_rows(hr.company_id, now)
    assert _followed(hr.company_id) == _followed_from_rows(hr.company_id)


def _groups(company_id):
    return db.session.scalars(select(Group).where(Group.company_id == company_id)).all()


def _people(company_id):
    return select(User.id).where(User.company_id == company_id, *visible_employees())


def _stored_cells(company_id, now):
    cell = matrix_cells.CELL
    statement = (select(*matrix_cells.cell_columns(cell))
                 .where(cell.c.user_id.in_(_people(company_id)), cells.is_cell(cell.c)))
    return set(db.session.execute(statement, cells.moments(now)).all())


def _cells_from_rows(company_id, now):
    ids = list(db.session.scalars(_people(company_id)))
    parts = cells.from_rows(False)
    statement = select(parts.c.user_id, parts.c.course_id, cells.status(parts.c), parts.c.due_at.is_not(None),
                       parts.c.progress_percent, parts.c.due_at, parts.c.completed_at, parts.c.valid_until,
                       parts.c.completed_on, parts.c.next_starts_at)
    return set(db.session.execute(statement, {"user_ids": ids, **cells.moments(now)}).all())


def _followed(company_id):
    return dict(db.session.execute(select(SummaryCount.item_id, SummaryCount.count).where(
        SummaryCount.company_id == company_id, SummaryCount.kind == FOLLOWED, SummaryCount.at == ALWAYS)).all())


def _followed_from_rows(company_id):
    people = _people(company_id)
    followed = union_all(
        select(Enrolment.course_id).where(Enrolment.user_id.in_(people)),
        select(TrainingSession.course_id).join(Registration, Registration.session_id == TrainingSession.id)
        .where(Registration.status == "registered", Registration.user_id.in_(people))).subquery()
    return dict(db.session.execute(select(followed.c.course_id, func.count()).group_by(followed.c.course_id)).all())


def _table(model):
    columns = [column for column in model.__table__.c if column.key not in ("id", "status", "changes_at")]
    return sorted(db.session.execute(select(*columns)).all())


@pytest.fixture
def world(app):
    built = _world()
    _check(built)
    return built


def test_assigning_by_a_rule_and_by_hand(world):
    save_rule(None, actor=world["hr"], course_id=world["fire"].id, group_id=world["site"].id, job_role_id=None,
              due_within_days=10, repeat_mode="never", repeat_months=None, is_active=True)
    db.session.commit()
    _check(world)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world["people"][5].id))
    enrolment.due_at = utcnow() - timedelta(days=3)
    db.session.commit()
    _check(world)


def test_completing_issues_a_certificate(world):
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world["people"][3].id))
    complete_enrolment(enrolment, actor=world["people"][3])
    db.session.commit()
    _check(world)
    make_certificate(world["people"][4], make_course(titles={"en": "Forklift"}, validity_months=2))
    _check(world)


def test_certificates_revoked_reissued_and_expiring_with_time(world):
    admin = make_user(role=PLATFORM_ADMIN)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == world["people"][0].id))
    revoke_certificate(certificate, actor=admin, reason="Issued by mistake")
    db.session.commit()
    _check(world)
    issue_manually(world["people"][2], world["fire"], actor=admin, completed_on=local_time.today() - timedelta(days=20),
                   reason="Followed elsewhere")
    db.session.commit()
    for days in (0, 40, 330, 400):  # expiring, then expired; due dates passing
        _check(world, now=utcnow() + timedelta(days=days))


def test_deactivating_reactivating_and_restricting_people(world):
    person = world["people"][1]
    deactivate_person(person, actor=world["hr"])
    db.session.commit()
    _check(world)
    reactivate_person(person, actor=world["hr"])
    db.session.commit()
    _check(world)
    world["people"][4].is_restricted = True
    db.session.commit()
    _check(world)
    world["people"][2].company_id = None
    db.session.commit()
    _check(world)


def test_group_changes(world):
    add_member(world["office"], world["people"][0], actor=world["hr"])
    db.session.commit()
    _check(world)
    remove_member(world["site"], world["people"][3], actor=world["hr"])
    db.session.commit()
    _check(world)
    delete_group(world["site"], actor=world["hr"])
    db.session.commit()
    _check(world)


def test_places_sessions_and_attendance(world):
    registration = db.session.scalar(select(Registration).where(Registration.session_id == world["coming"].id))
    registration.status = "cancelled"
    db.session.commit()
    _check(world)
    make_registration(world["coming"], world["people"][1])
    world["coming"].starts_at -= timedelta(days=30)
    world["coming"].ends_at -= timedelta(days=30)
    db.session.commit()
    _check(world)
    mark = db.session.scalar(select(Attendance).where(Attendance.status == "absent"))
    mark.status = "present"
    db.session.commit()
    _check(world)
    db.session.delete(world["session"])
    db.session.commit()
    _check(world)


def test_bulk_statements(world):
    people = [person.id for person in world["people"]]
    db.session.execute(update(Enrolment).where(Enrolment.user_id.in_(people[:3]))
                       .values(status="completed", completed_at=utcnow(), progress_percent=100))
    db.session.commit()
    _check(world)
    db.session.execute(update(Attendance).values(part_starts_at=utcnow() - timedelta(days=100)))
    db.session.execute(delete(GroupMember).where(GroupMember.user_id == people[3]))
    db.session.execute(update(User).where(User.id == people[4]).values(is_active=False))
    db.session.commit()
    _check(world)
    db.session.execute(delete(Enrolment).where(Enrolment.user_id.in_(people[2:])))
    db.session.commit()
    _check(world)


def test_a_rebuild_gives_the_same_rows(world):
    save_rule(None, actor=world["hr"], course_id=world["fire"].id, group_id=world["office"].id, job_role_id=None,
              due_within_days=5, repeat_mode="never", repeat_months=None, is_active=True)
    remove_member(world["site"], world["people"][1], actor=world["hr"])
    db.session.commit()
    kept = _table(SummaryCount), _table(MatrixCell)
    rebuild(db.session.connection())
    db.session.commit()
    assert (_table(SummaryCount), _table(MatrixCell)) == kept
    _check(world)


def test_refresh_rewrites_the_cells_whose_status_moved_on(world):
    cell = MatrixCell.__table__
    db.session.execute(update(cell).values(changes_at=utcnow() - timedelta(seconds=1), status="valid"))
    db.session.commit()
    _check(world)  # computed from the parts where the stored status has passed
    assert cells.refresh(db.session.connection()) > 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(cell).where(cell.c.changes_at <= utcnow())) == 0
    _check(world)
