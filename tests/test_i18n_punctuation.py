"""A label and its value are translated as one message, so that each language writes its own punctuation
(French puts a space before a colon: « Lieu : Antwerpen »)."""

import re
from pathlib import Path

import pytest

from tests.factories import make_company, make_training_session, make_user

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# A translated label followed by punctuation the translation cannot move: "{% trans %}Place{% endtrans %}: …"
GLUED = re.compile(r"\{%-? endtrans -?%\}[ \t]*[:;!?]|\{\{ *_\([^)]*\) *\}\}[ \t]*[:;!?]")


def test_no_template_glues_punctuation_to_a_translated_label():
    glued = [f"{path.relative_to(TEMPLATES)}: {match.group(0)}" for path in sorted(TEMPLATES.rglob("*.*"))
             for match in GLUED.finditer(path.read_text())]
    assert glued == []


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Lieu : Gent, Oscart Campus"), ("nl", "Locatie: Gent, Oscart Campus"), ("de", "Ort: Gent, Oscart Campus"),
    ("en", "Place: Gent, Oscart Campus"),
])
def test_the_registration_mail_writes_the_place_in_the_readers_punctuation(browser, outbox, language, expected):
    trainee = make_user(company=make_company(), language=language)
    session = make_training_session(place="Gent, Oscart Campus")
    browser.login(trainee.email)
    browser.submit(f"/classroom/sessions/{session.id}/register", form_page=f"/classroom/sessions/{session.id}")
    [mail] = outbox
    assert expected in mail.get_body(("plain",)).get_content()
    assert expected in mail.get_body(("html",)).get_content()


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_number_keeps_its_percent_sign_on_the_same_line(language):
    """German and French write "100 %": with a non-breaking space, so that the sign never starts a line."""
    from babel.messages.pofile import read_po

    path = TEMPLATES.parent / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    texts = [text for message in catalog if message.id
             for text in (message.string if isinstance(message.string, tuple) else (message.string,))]
    assert any("\u00a0%" in text for text in texts)
    assert [text for text in texts if re.search(r"\S %%", text or "")] == []
