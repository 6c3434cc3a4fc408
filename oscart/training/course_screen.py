"""The course screen: a course's settings and its texts in every language, read and saved in one submission, and
each language's status over the course texts and every lesson, with its file (complete, missing, or older than the
source)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, false, select, update

from oscart.audit.services import record_event
from oscart.companies.models import Company
from oscart.core.database import prepared, rows, utcnow
from oscart.core.exceptions import Conflict, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGE_LABELS, LANGUAGES
from oscart.training import authoring
from oscart.training.models import FORMAT_LABELS, RULE_LABELS, Course, CourseCompany, CourseTranslation

TEXT_FIELDS = ("title", "summary", "description", "objectives")
SETTING_FIELDS = ("code", "format", "duration_hours", "validity_months", "completion_rule", "default_language",
                  "is_global")
COMPLETE, MISSING, OUTDATED = "complete", authoring.MISSING, authoring.OUTDATED


class CourseConflict(Conflict):
    """Someone saved the course screen after this editor loaded it; nothing was written."""


@dataclass(frozen=True)
class LanguageStatus:
    """A language's state over the course texts (``texts``: missing, outdated or current), the lessons' texts and
    the lessons' files (``files_missing``: video and document lessons without their video or PDF in it)."""

    state: str
    texts: str
    lessons_missing: int
    lessons_outdated: int
    files_missing: int = 0


def language_statuses(course_status, lessons):
    """{language: LanguageStatus} from authoring.translation_matrix(): complete when the course texts and every
    lesson have the language, every video and document lesson its file in it, and no text is older than its text
    in the default language."""
    result = {}
    for code in LANGUAGES:
        missing = sum(1 for lesson in lessons if lesson["status"][code] == MISSING)
        outdated = sum(1 for lesson in lessons if lesson["status"][code] == OUTDATED)
        files = sum(1 for lesson in lessons if code in lesson["files_missing"])
        texts = course_status[code]
        state = (MISSING if texts == MISSING or missing or files else
                 OUTDATED if texts == OUTDATED or outdated else COMPLETE)
        result[code] = LanguageStatus(state, texts, missing, outdated, files)
    return result


def course_translations(course):
    """{language: row of the course's texts} ({} for a course not yet made)."""
    if course is None:
        return {}
    return {row.language: row for row in rows(_texts_statement(), {"course_id": course.id})}


@prepared
def _texts_statement():
    return (select(CourseTranslation.language, CourseTranslation.updated_at,
                   *(getattr(CourseTranslation, name) for name in TEXT_FIELDS))
            .where(CourseTranslation.course_id == bindparam("course_id")))


def screen_statuses(course, translations):
    """language_statuses() of a course whose texts ``translations`` (course_translations()) are read already."""
    course_status, lessons = authoring.translation_matrix(
        course, {code: row.updated_at for code, row in translations.items()})
    return language_statuses(course_status, lessons)


def company_choices(course):
    """Every company as (id, name), and the ids of those the course is assigned to, in one statement."""
    found = rows(_companies_statement(course is not None), {"course_id": course.id if course else None})
    return [(row.id, row.name) for row in found], [row.id for row in found if row.is_assigned]


@prepared
def _companies_statement(for_course):
    assigned = (exists().where(CourseCompany.company_id == Company.id,
                               CourseCompany.course_id == bindparam("course_id"))
                if for_course else false())
    return select(Company.id, Company.name, assigned.label("is_assigned")).order_by(Company.name)


def save_course_screen(course, *, actor, version, settings, texts, now=None):
    """Create (``course`` None) or update a course's settings and its texts in every language at once.

    ``settings``: authoring.save_course()'s keywords; ``texts``: {language: {title, summary, description,
    objectives}}: a language left empty loses its texts, one that did not change keeps its date (so a translation
    stays outdated until it is edited itself). ``version``: the course's version the form was loaded with; when
    someone saved the course since, CourseConflict and nothing is written.
    """
    created = course is None
    if not created:
        _claim_version(course, version)
        before = _settings_of(course)
    course = authoring.save_course(course, actor=actor, **settings)
    changed = [] if created else [name for name, value in _settings_of(course).items() if before[name] != value]
    written, removed = _save_texts(course, texts, now or utcnow())
    if created or changed or written or removed:
        record_event("training.course_created" if created else "training.course_saved", actor=actor,
                     company_id=course.owner_company_id, target=f"course:{course.id}", code=course.code,
                     changed=changed, languages=written, removed=removed)
    return course


def _claim_version(course, version):
    # One conditional UPDATE: of two editors saving the same version at the same moment, exactly one wins.
    claimed = db.session.execute(
        update(Course).where(Course.id == course.id, Course.version == _number(version))
        .values(version=Course.version + 1).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise CourseConflict(_l("Someone else saved this course after you opened it. Nothing was saved: what you "
                                "typed is kept below, and the fields whose saved text differs from yours are listed "
                                "with that text. Save again to replace it with yours."))


def _number(version):
    return int(version) if str(version or "").isdigit() else -1


def _settings_of(course):
    values = {name: getattr(course, name) for name in SETTING_FIELDS}
    values["companies"] = sorted(authoring.course_company_ids(course))
    return values


def _save_texts(course, texts, now):
    found = db.session.scalars(select(CourseTranslation).where(CourseTranslation.course_id == course.id))
    existing = {translation.language: translation for translation in found}
    written, removed = [], []
    for code in LANGUAGES:
        values = {name: _clean(texts.get(code, {}).get(name)) for name in TEXT_FIELDS}
        current = existing.get(code)
        if not values["title"]:
            if code == course.default_language or any(values.values()):
                raise RuleViolation(_l("Give the course a title in its default language.")
                                    if code == course.default_language else
                                    _l("Give these texts a title too, or empty every field of this language to "
                                       "remove its texts."), f"title_{code}")
            if current is not None:
                db.session.delete(current)
                removed.append(code)
            continue
        if current is None:
            current = CourseTranslation(course_id=course.id, language=code)
            db.session.add(current)
        elif all(getattr(current, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_at = now  # one moment for every language written together: none is older than another
        written.append(code)
    db.session.flush()
    return written, removed


def _clean(text):
    return (text or "").replace("\r\n", "\n").strip()


def differences(course, translations, settings, texts):
    """After a conflict: the form fields whose stored value differs from what the author typed, with the stored
    value as the page shows it ({field name: text})."""
    found = {}
    for name in SETTING_FIELDS:
        stored, typed = getattr(course, name), settings.get(name)
        if name != "is_global" and not _same(stored, typed.upper() if name == "code" and typed else typed):
            labels = _LABELS.get(name, {})
            found[name] = str(labels.get(stored, "—" if stored is None else stored))
    for code in LANGUAGES:
        stored = translations.get(code)
        for name in TEXT_FIELDS:
            value = getattr(stored, name) if stored is not None else ""
            if not _same(value, texts.get(code, {}).get(name)):
                found[f"{name}_{code}"] = value or "—"
    return found


_LABELS = {"format": FORMAT_LABELS, "completion_rule": RULE_LABELS, "default_language": LANGUAGE_LABELS}


def _same(stored, typed):
    if isinstance(stored, str) or isinstance(typed, str):
        return _clean(stored) == _clean(typed)
    return stored == typed
