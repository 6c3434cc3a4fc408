"""Which courses a user may see: global catalogue, courses assigned to the own company, the company's own."""

from sqlalchemy import and_, bindparam, exists, or_, select

from oscart.core.database import prepared
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.training.models import ARCHIVED, PUBLISHED, Course, CourseCompany, Enrolment


def visible_to_company_clause(company_id):
    """SQL condition on Course: visible to employees of ``company_id`` (None: Oscart staff see the catalogue)."""
    assigned = exists().where(CourseCompany.course_id == Course.id, CourseCompany.company_id == company_id)
    oscart_course = and_(Course.owner_company_id.is_(None), or_(Course.is_global.is_(True), assigned))
    if company_id is None:
        return Course.owner_company_id.is_(None)
    return or_(oscart_course, Course.owner_company_id == company_id)


def visible_courses(user):
    """Published courses the user may see and follow."""
    return select(Course).where(Course.status == PUBLISHED, visible_to_company_clause(user.company_id))


def get_visible_course(actor, course_id):
    """A published course the actor may see, or an archived one the actor follows (history stays reachable)."""
    params = {"course_id": course_id, "user_id": actor.id, "company_id": actor.company_id}
    course = db.session.scalar(visible_course_statement(actor.company_id is None), params)
    if course is None:
        raise NotFound()
    return course


@prepared
def visible_course_statement(for_staff):
    """The visibility rule of get_visible_course() as a statement (parameters course_id, user_id, company_id)."""
    followed = exists().where(Enrolment.course_id == Course.id, Enrolment.user_id == bindparam("user_id"))
    return select(Course).where(
        Course.id == bindparam("course_id"), visible_to_company_clause(None if for_staff else bindparam("company_id")),
        or_(Course.status == PUBLISHED, and_(Course.status == ARCHIVED, followed)))
