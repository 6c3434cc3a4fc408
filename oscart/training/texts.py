"""A course's texts in the language a trainee prefers: the content-language fallback (user → company → course
default → any), for one course or many at once."""

from sqlalchemy import bindparam, select

from oscart.core.database import prepared, rows
from oscart.core.i18n import content_language_chain
from oscart.training.languages import LanguagePreference
from oscart.training.models import CourseTranslation


def preferred_languages(user, chosen=None):
    """Content-language preference: an explicit choice, the user's language, the company default."""
    return LanguagePreference(user, chosen)


def first_row_per_id(found):
    """The first row of each ``id``, in order: rows joined with their texts repeat once per language."""
    first = {}
    for row in found:
        first.setdefault(row.id, row)
    return list(first.values())


def course_texts(default_languages, preferred):
    """{course id: (chosen translation row, [available languages])} in one query.

    ``default_languages`` maps each course id to the course's default language.
    """
    if not default_languages:
        return {}
    return pick_course_texts(rows(_texts_statement(), {"course_ids": list(default_languages)}), default_languages,
                             preferred)


def pick_course_texts(found, default_languages, preferred):
    """course_texts() from rows already read: ``found`` rows have course_id, language (None when the course has
    no translation) and the text columns."""
    by_course = {}
    for row in found:
        if row.language is not None:
            by_course.setdefault(row.course_id, {})[row.language] = row
    result = {}
    for course_id, translations in by_course.items():
        language = preferred.pick(translations, default_languages[course_id])
        result[course_id] = (translations[language], ordered_languages(translations))
    return result


@prepared
def _texts_statement():
    return select(CourseTranslation.course_id, CourseTranslation.language, CourseTranslation.title,
                  CourseTranslation.summary).where(CourseTranslation.course_id.in_(bindparam("course_ids",
                                                                                            expanding=True)))


def ordered_languages(available):
    return [code for code in content_language_chain() if code in available]


def choose_translation(translations, preferred, course):
    """(translation, fell_back) following user → company → course default → any."""
    by_language = {t.language: t for t in translations}
    language = preferred.pick(by_language, course.default_language)
    if language is None:
        return None, False
    wanted = preferred.wanted or course.default_language
    return by_language[language], language != wanted
