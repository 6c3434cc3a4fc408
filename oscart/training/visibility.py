"""Which courses a user may see: global catalogue, courses assigned to the own company, the company's own."""

from sqlalchemy import and_, exists, or_, select

from oscart.training.models import PUBLISHED, Course, CourseCompany


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
