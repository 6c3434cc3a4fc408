"""Every paged list works past its first page: the pager's links, the last page and a page beyond the end.

Each list gets more rows than one page holds; its pager links are followed from the first page, with query
arguments named like ``url_for``'s own keywords carried along. A test over the URL map checks that every
template using the pager is in the list below.
"""

import re
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from oscart.accounts.models import User
from oscart.audit.services import record_events
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from oscart.mail.models import OutboxMessage
from tests.factories import (
    make_classroom_course,
    make_company,
    make_elearning_course,
    make_enrolment,
    make_training_session,
    make_user,
    past_parts,
)

ROWS = 52  # more than two pages of the longest page (50 audit events)
TEMPLATES = Path(__file__).parent.parent / "templates"
HOSTILE_ARGS = "course=99999999999999999999999&_external=1&_anchor=x&_method=POST&endpoint=x&_scheme=ftp"
PAGE_OF = re.compile(r"Page (\d+) of (\d+)")
LINK = re.compile(r'<a href="([^"]+)" rel="(prev|next)"')


class World:
    def __init__(self):
        self.company = make_company(name="Paging")
        self.people = {
            TRAINEE: make_user(company=self.company, language="en"),
            TRAINER: make_user(role=TRAINER, language="en"),
            COMPANY_ADMIN: make_user(role=COMPANY_ADMIN, company=self.company, language="en"),
            PLATFORM_ADMIN: make_user(role=PLATFORM_ADMIN, language="en"),
        }

    def employees(self):
        db.session.execute(insert(User), [
            {"email": f"paged{n}@example.com", "first_name": f"Paged{n}", "last_name": f"Person{n:03}",
             "language": "nl", "role": TRAINEE, "company_id": self.company.id} for n in range(ROWS)])
        db.session.commit()

    def matrix(self):
        self.employees()
        make_enrolment(self.people[TRAINEE], make_elearning_course(lessons=0))  # a column to show

    def certificates(self):
        course = make_classroom_course()
        trainee = self.people[TRAINEE]
        db.session.execute(insert(Certificate), [
            {"code": f"PAGE-{n:04}-AAAA-BBBB", "issue_key": f"paged-{n}", "user_id": trainee.id,
             "company_id": self.company.id, "course_id": course.id, "language": "en", "holder_name": "Paged Person",
             "course_title": "Safety basics", "hours": 4, "completed_on": date(2026, 1, 1) + timedelta(days=n),
             "pdf": b"%PDF", "pdf_sha256": "0" * 64, "pdf_size": 4} for n in range(ROWS)])
        db.session.commit()

    def courses(self):
        for _ in range(ROWS // 4):  # the catalogue shows 12 a page
            make_elearning_course(lessons=0, titles={"en": "Paged course"})

    def open_sessions(self):
        course = make_classroom_course()
        for _ in range(ROWS):
            make_training_session(course, trainers=[self.people[TRAINER]])

    def attendance(self):
        session = make_training_session(trainers=[self.people[TRAINER]], parts=past_parts(count=ROWS))
        trainee = self.people[TRAINEE]
        db.session.execute(insert(Attendance), [
            {"part_id": part.id, "session_id": session.id, "part_starts_at": part.starts_at, "user_id": trainee.id,
             "status": "present", "minutes": 240, "note": "", "version": 1,
             "marked_by_id": self.people[TRAINER].id} for part in session_parts(session.id)])
        db.session.commit()
        return session

    def session_roster(self):
        """A coming session beside the company's people, whom its company admin registers from a paged list."""
        self.employees()
        return make_training_session(make_classroom_course())

    def session_history(self):
        session = make_training_session(trainers=[self.people[TRAINER]], parts=past_parts())
        self._events(f"classroom-session:{session.id}", None)
        return session

    def audit_events(self):
        self._events("company", self.company.id)

    def _events(self, target, company_id):
        record_events([{"action": "registration.created", "actor_id": self.people[TRAINER].id,
                        "subject_id": self.people[TRAINEE].id, "company_id": company_id, "target": target,
                        "details": {"after": {"status": "registered"}}} for _ in range(ROWS)])
        db.session.commit()

    def invitations(self):
        from oscart.companies.models import Invitation

        now = utcnow()
        db.session.execute(insert(Invitation), [
            {"company_id": self.company.id, "email": f"invited{n}@example.com", "language": "nl",
             "invited_by_id": self.people[COMPANY_ADMIN].id, "created_at": now, "expires_at": now + timedelta(days=14),
             "token_hash": f"{n:064x}"} for n in range(ROWS)])
        db.session.commit()

    def messages(self):
        trainee = self.people[TRAINEE]
        db.session.execute(insert(OutboxMessage), [
            {"user_id": trainee.id, "recipient": trainee.email, "template": "welcome", "language": "en",
             "subject": f"Message {n}", "body_text": "Hello", "created_at": utcnow()} for n in range(ROWS)])
        db.session.commit()

    def groups(self):
        from oscart.companies.models import Group

        db.session.execute(insert(Group), [{"company_id": self.company.id, "name": f"Group {n:03}",
                                            "kind": "department"} for n in range(ROWS)])
        db.session.commit()

    def rules(self):
        from oscart.assignments.models import TrainingRule
        from oscart.companies.models import Group

        course = make_elearning_course(lessons=0)
        db.session.execute(insert(Group), [{"company_id": self.company.id, "name": f"Group {n:03}",
                                            "kind": "department"} for n in range(ROWS)])
        group_ids = db.session.scalars(select(Group.id).where(Group.company_id == self.company.id)).all()
        db.session.execute(insert(TrainingRule), [
            {"company_id": self.company.id, "course_id": course.id, "group_id": group_id, "due_within_days": 30,
             "repeat_mode": "never", "is_active": True} for group_id in group_ids])
        db.session.commit()

    def group_members(self):
        from oscart.companies.models import Group, GroupMember

        self.employees()
        group = Group(company_id=self.company.id, name="Everyone", kind="department")
        db.session.add(group)
        db.session.flush()
        people = db.session.scalars(select(User.id).where(User.company_id == self.company.id)).all()
        db.session.execute(insert(GroupMember), [{"group_id": group.id, "user_id": user_id} for user_id in people])
        db.session.commit()
        return group

    def job_roles(self):
        from oscart.companies.models import JobRole

        db.session.execute(insert(JobRole), [{"company_id": self.company.id, "name": f"Role {n:03}"}
                                             for n in range(ROWS)])
        db.session.commit()


# endpoint: (who reads it, the World method that adds the rows, the path; {session} or {group}: the session or
# group of the rows, as the method returns it)
LISTS = {
    "admin.users": (PLATFORM_ADMIN, "employees", "/admin/users"),
    "companies.employees": (COMPANY_ADMIN, "employees", "/company/employees"),
    "companies.invitations_page": (COMPANY_ADMIN, "invitations", "/company/invitations"),
    "companies.training_matrix": (COMPANY_ADMIN, "matrix", "/company/training"),
    "workspace.roles_page": (COMPANY_ADMIN, "job_roles", "/company/roles"),
    "workspace.groups_page": (COMPANY_ADMIN, "groups", "/company/groups"),
    "workspace.group": (COMPANY_ADMIN, "group_members", "/company/groups/{group}"),
    "assignments.index": (COMPANY_ADMIN, "rules", "/company/rules/"),
    "certificates.company": (COMPANY_ADMIN, "certificates", "/certificates/company"),
    "certificates.manage": (PLATFORM_ADMIN, "certificates", "/certificates/manage"),
    "training.catalogue": (TRAINEE, "courses", "/training/"),
    "classroom.index": (TRAINEE, "open_sessions", "/classroom/"),
    "classroom.teach": (TRAINER, "open_sessions", "/classroom/teach"),
    "classroom.mine": (TRAINEE, "attendance", "/classroom/mine"),
    "classroom.attendance_list": (TRAINER, "attendance", "/classroom/attendance"),
    "classroom.history": (TRAINER, "session_history", "/classroom/sessions/{session}/history"),
    "classroom.session": (COMPANY_ADMIN, "session_roster", "/classroom/sessions/{session}"),
    "training.company.assign": (COMPANY_ADMIN, "employees", "/training/company/assign"),
    "audit.index": (COMPANY_ADMIN, "audit_events", "/audit/"),
    "privacy.me": (TRAINEE, "messages", "/privacy/me"),
}


def _arrange(browser, endpoint):
    """Rows for the list of ``endpoint``, its reader logged in; the list's path."""
    role, method, path = LISTS[endpoint]
    world = World()
    made = getattr(world, method)()
    browser.login(world.people[role].email)
    return path.format(session=made.id if made else None, group=made.id if made else None)


def _pager(response):
    """(page number, pages, {rel: href}) read from a page in English."""
    assert response.status_code == 200, response.status_code
    found = PAGE_OF.search(response.text)
    assert found, "the page shows no pager"
    return int(found.group(1)), int(found.group(2)), {rel: unescape(href) for href, rel in LINK.findall(response.text)}


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_page_of_a_list_answers(browser, endpoint):
    path = _arrange(browser, endpoint)
    number, pages, links = _pager(browser.get(path))
    assert number == 1 and pages >= 2 and set(links) == {"next"}
    assert _pager(browser.get(links["next"]))[0] == 2  # the first page's own link
    assert _pager(browser.get(f"{path}?page={pages}"))[0] == pages
    number, _pages, links = _pager(browser.get(f"{path}?page={pages + 3}"))  # beyond the end: a way back
    assert number == pages + 3 and set(links) == {"prev"}
    assert _pager(browser.get(links["prev"]))[0] == pages


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_pager_links_pass_query_arguments_named_like_url_for_keywords_along(browser, endpoint):
    path = _arrange(browser, endpoint)
    number, _pages, links = _pager(browser.get(f"{path}?{HOSTILE_ARGS}&page=2"))
    assert number == 2 and set(links) >= {"prev"}
    for href in links.values():
        assert href.startswith(path + "?") and "_external=1" in href and "endpoint=x" in href
        assert browser.get(href).status_code == 200


def test_every_list_with_a_pager_is_tested(app):
    uses = {match for page in TEMPLATES.rglob("*.html")
            for match in re.findall(r"""pager\(\w+, ["']([\w.]+)["']\)""", page.read_text())}
    assert uses == set(LISTS)
