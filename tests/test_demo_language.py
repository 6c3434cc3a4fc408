"""The demo's own texts speak to the reader as the portal does: formally, in every language they are written in.

Each text the demo stores in a language (course, lesson and question texts, answers, the mailings' and the
incident notices' texts, a company's news in the company's language) is read back from the database after
`seed-demo` and searched for the informal pronouns of that language.
"""

import json

import pytest
from sqlalchemy import text

from oscart.core.extensions import db
from tests.test_i18n_language import INFORMAL

PER_LANGUAGE = {  # statement: (language, text) rows
    "courses": "SELECT language, title || ' ' || COALESCE(summary, '') FROM course_translation",
    "lessons": "SELECT language, title || ' ' || COALESCE(body_source, '') FROM lesson_translation",
    "questions": "SELECT language, text || ' ' || explanation FROM question_translation",
    "answers": "SELECT language, text FROM choice_translation",
    "news": "SELECT company.default_language, company_news.title || ' ' || company_news.body_source"
            " FROM company_news JOIN company ON company.id = company_news.company_id",
}
PER_LANGUAGE_JSON = ("campaign", "incident")  # tables whose ``texts`` map a language to its texts


def _json_texts(value):
    if isinstance(value, dict):
        return " ".join(_json_texts(item) for item in value.values())
    return str(value or "")


def _demo_texts():
    rows = [tuple(row) for statement in PER_LANGUAGE.values() for row in db.session.execute(text(statement))]
    for table in PER_LANGUAGE_JSON:
        for (texts,) in db.session.execute(text(f"SELECT texts FROM {table}")):  # noqa: S608 (a constant name)
            texts = texts if isinstance(texts, dict) else json.loads(texts)
            rows += [(language, _json_texts(value)) for language, value in texts.items()]
    return rows


@pytest.mark.parametrize("code", INFORMAL)
def test_demo_texts_use_the_formal_form_of_address(runner, code):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    texts = [body for language, body in _demo_texts() if language == code]
    assert texts, "the demo writes no text in this language"
    assert [body for body in texts if INFORMAL[code].search(body)] == []
