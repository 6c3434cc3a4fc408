"""Reading certificates: who may see which, lists with filters, verification by code."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.certificates.codes import normalize_code
from oscart.certificates.models import EXPIRED, EXPIRING, REVOKED, SUPERSEDED, VALID, Certificate
from oscart.core import local_time
from oscart.core.database import LIKE_ESCAPE, contains_pattern, get_or_raise
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.i18n import fold_for_search
from oscart.core.security import can
from oscart.training.models import Course, CourseTranslation, Enrolment
from oscart.training.titles import reader_params, reader_title

LIST_COLUMNS = (
    Certificate.id, Certificate.code, Certificate.user_id, Certificate.course_id, Certificate.holder_name,
    Certificate.completed_on, Certificate.valid_until, Certificate.issued_at,
    Certificate.revoked_at, Certificate.superseded_at, Certificate.pdf_size, Certificate.language,
)


def listed_title(reader=None):
    """The ``course_title`` column of a list: the course's title in the reader's language by the fallback chain
    (the printed title when the course has none); without a reader, bound values (training.titles)."""
    if reader is None:
        return reader_title(Certificate.course_id, Certificate.course_title).label("course_title")
    return reader_title(Certificate.course_id, Certificate.course_title, language=reader.language,
                        company_id=reader.company_id).label("course_title")


@dataclass
class Filters:
    course_id: int | None = None
    user_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    within_days: int = 30
    search: str | None = None  # the holder's name, e-mail address or employee number (holders_matching)


def visible_to(actor):
    """Which certificates the actor may open: the own, the own company's (company admins), any (platform admins)."""
    if can(actor, "certificates.manage"):
        return True
    scope = Certificate.user_id == actor.id
    if can(actor, "company.manage") and actor.company_id is not None:
        scope = or_(scope, Certificate.company_id == actor.company_id)
    return scope


def get_certificate(certificate_id):
    """Platform admins: any certificate by id."""
    return get_or_raise(Certificate, certificate_id)


def get_company_certificate(actor, certificate_id):
    """A certificate of the actor's company; another company's id is NotFound, like a missing one."""
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.id == certificate_id, Certificate.company_id == actor.company_id))
    if certificate is None or actor.company_id is None:
        raise NotFound()
    return certificate


def get_download(actor, certificate_id):
    """The stored PDF and what its file name is made of, in one query; a certificate the actor may not
    open is NotFound, exactly like a missing id."""
    row = db.session.execute(
        select(Certificate.id, Certificate.pdf, Certificate.pdf_sha256, Certificate.completed_on,
               Certificate.course_title, User.last_name, User.first_name)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.id == certificate_id, visible_to(actor))
    ).first()
    if row is None:
        raise NotFound()
    return row


OWN_ORDER = (Certificate.completed_on.desc(), Certificate.id.desc())


def list_own(user):
    """The certificates of one user, newest first (``OWN_ORDER``), titled in the user's language."""
    return select(*LIST_COLUMNS, listed_title(user)).where(Certificate.user_id == user.id).order_by(*OWN_ORDER)


def list_company(actor, filters):
    """Rows of every certificate issued to the actor's company's people, filtered; with the employee's
    current name and whether a refresher enrolment is open."""
    return apply_filters(company_select(listed_title(actor)).where(company_scope(actor.company_id, filters)),
                         filters, actor.company_id)


def company_select(title, *columns):
    """The columns of list_company() (``title`` the course title column, then ``columns``), newest first; the
    caller adds the conditions."""
    refresher = and_(Enrolment.user_id == Certificate.user_id, Enrolment.course_id == Certificate.course_id,
                     Enrolment.status != "completed")
    return (
        select(*LIST_COLUMNS, title, User.first_name, User.last_name, Enrolment.due_at.label("refresher_due_at"),
               *columns)
        .join(User, User.id == Certificate.user_id)
        .outerjoin(Enrolment, refresher)
        .order_by(Certificate.completed_on.desc(), Certificate.id.desc())
    )


def count_company(actor, filters):
    """How many rows list_company() returns, counted on the certificates alone: each has exactly one holder
    and at most one open refresher, so the joins change nothing. Without filters an index answers it."""
    return apply_filters(select(func.count()).select_from(Certificate)
                         .where(company_scope(actor.company_id, filters)), filters, actor.company_id)


def company_scope(company_id, filters):
    """The certificates of company ``company_id`` (a value or a bound parameter). With one person or a search
    among the people, written ``company_id + 0``: SQLite keeps no statistics by default and would walk all the
    company's certificates newest first until a page is full; so it reads the few certificates of the people
    by ix_certificate_user_completed_on instead. PostgreSQL's estimates choose that index anyway."""
    if filters.user_id or (filters.search or "").strip():
        return Certificate.company_id + 0 == company_id
    return Certificate.company_id == company_id


def list_all(reader, *, search=None, status=None):
    """Platform admins: every certificate, newest first, searchable by code, holder or course (the printed
    title or the title in any language); titled in the reader's language."""
    query = select(*LIST_COLUMNS, listed_title(reader)).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if search:
        code = normalize_code(search)
        pattern = contains_pattern(search.strip().lower())
        titled = select(CourseTranslation.course_id).where(
            CourseTranslation.search_text.like(contains_pattern(fold_for_search(search.strip())), escape=LIKE_ESCAPE))
        query = query.where(or_(Certificate.code == code,
                                func.lower(Certificate.holder_name).like(pattern, escape=LIKE_ESCAPE),
                                func.lower(Certificate.course_title).like(pattern, escape=LIKE_ESCAPE),
                                Certificate.course_id.in_(titled)))
    return apply_filters(query, Filters(status=status))


def apply_filters(query, filters, company_id=None):
    """``query`` narrowed to ``filters``; a search looks among the people of company ``company_id``."""
    today = local_time.today()
    values = {"company_id": company_id, "course_id": filters.course_id, "user_id": filters.user_id,
              "date_from": filters.date_from, "date_to": filters.date_to, "today": today,
              "horizon": today + timedelta(days=filters.within_days),
              "pattern": contains_pattern((filters.search or "").strip().lower())}
    return query.where(*filter_clauses(filters, values))


def filter_clauses(filters, values):
    """The conditions of the ``filters`` that are set, on ``values`` (by name: the filters' values, ``today``,
    ``horizon`` for "expiring", ``pattern`` of a search and ``company_id``), values or bound parameters."""
    clauses = []
    if (filters.search or "").strip():
        clauses.append(Certificate.user_id.in_(holders_matching(values["pattern"], values["company_id"])))
    for name, column in (("course_id", Certificate.course_id), ("user_id", Certificate.user_id)):
        if getattr(filters, name):
            clauses.append(column == values[name])
    if filters.date_from:
        clauses.append(Certificate.completed_on >= values["date_from"])
    if filters.date_to:
        clauses.append(Certificate.completed_on <= values["date_to"])
    if filters.status:
        clauses.append(status_clause(filters.status, values["today"], values["horizon"]))
    return clauses


def status_clause(status, today, horizon):
    current = and_(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
    if status == REVOKED:
        return Certificate.revoked_at.is_not(None)
    if status == SUPERSEDED:
        return and_(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_not(None))
    if status == EXPIRED:
        return and_(current, Certificate.valid_until < today)
    if status == EXPIRING:
        return and_(current, Certificate.valid_until.between(today, horizon))
    if status == VALID:
        return and_(current, or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today))
    return True


def holders_matching(pattern, company_id):
    """Ids of company ``company_id``'s people whose e-mail address, "first last" name or employee number is like
    ``pattern`` (lower case, core.database.contains_pattern), as the people page matches them
    (companies.directory.list_people)."""
    return select(User.id).where(User.company_id == company_id, person_matches(pattern))


def chosen_employee(actor, user_id):
    """"Last name, first name" of the employee a list is filtered on, or None for an id that is not a person
    of the actor's company (nor the holder of one of its certificates): a foreign id reveals nothing."""
    if actor.company_id is None:
        return None
    held_here = select(Certificate.user_id).where(Certificate.company_id == actor.company_id,
                                                  Certificate.user_id == User.id).exists()
    row = db.session.execute(select(User.last_name, User.first_name).where(
        User.id == user_id, or_(User.company_id == actor.company_id, held_here))).first()
    return None if row is None else f"{row.last_name}, {row.first_name}"


def company_courses(actor):
    """(id, label) pairs of the courses that appear among the company's certificates, for the filter menu;
    a course's label is its title in the actor's language. One query, and as quick for 5,000 people as
    for five: one index lookup per course of the catalogue rather than a pass over the certificates."""
    return db.session.execute(_company_courses_statement(),
                              {"company_id": actor.company_id, **reader_params(actor)}).all()


@cache
def _company_courses_statement():
    # Built once (bound company and reader): building the title's subquery costs more than running it.
    issued = and_(Certificate.company_id == bindparam("company_id"), Certificate.course_id == Course.id)
    printed = (select(Certificate.course_title).where(issued).order_by(Certificate.course_title).limit(1)
               .scalar_subquery())
    title = reader_title(Course.id, printed).label("title")
    return (select(Course.id, title).where(select(Certificate.course_id).where(issued).exists())
            .order_by(title, Course.id))


def find_by_code(code):
    """The certificate with this verification code, or None (for malformed codes too)."""
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normalized))


def export_rows(query):
    """The columns a bulk export needs, from a filtered company list query."""
    return db.session.execute(query.with_only_columns(
        Certificate.id, Certificate.completed_on, Certificate.course_title, Certificate.pdf_size,
        User.last_name, User.first_name, maintain_column_froms=True)).all()
