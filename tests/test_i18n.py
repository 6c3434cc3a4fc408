"""Four complete languages: catalogues, form errors, plurals, error pages."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length

from oscart.core.errors import PAGES
from oscart.core.forms import BaseForm
from oscart.core.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]


def catalogue(code):
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    untranslated, fuzzy = [], []
    for message in catalogue(code):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert untranslated == []
    assert fuzzy == []


def test_catalogues_contain_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "--ignore-dirs=.*", "-o", str(pot),
                    "."],
                   cwd=ROOT, check=True)
    with open(pot, "rb") as handle:
        in_code = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    for code in LANGUAGES:
        known = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalogue(code) if m.id}
        missing = in_code - known
        assert not missing, f"run `make extract` and translate for {code}: {sorted(map(str, missing))}"


def test_no_message_is_written_inside_an_f_string():
    """Babel's extractor does not read the expressions of an f-string on this Python: a message written there is
    missing from the catalogues and shows in English, whatever the reader's language."""
    import ast

    keywords = {"_", "gettext", "ngettext", "_l", "lazy_gettext", "lazy_ngettext"}
    hidden = []
    for path in sorted((ROOT / "oscart").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                hidden += [f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)}" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and getattr(call.func, "id", None) in keywords]
    assert hidden == []


@pytest.mark.parametrize(("code", "one", "many"), [
    ("nl", "1 gebruiker", "3 gebruikers"), ("fr", "1 utilisateur", "3 utilisateurs"),
    ("de", "1 Benutzer", "3 Benutzer"), ("en", "1 user", "3 users"),
])
def test_plurals(app, code, one, many):
    with app.test_request_context(), force_locale(code):
        assert ngettext("%(count)s user", "%(count)s users", 1, count=1) == one
        assert ngettext("%(count)s user", "%(count)s users", 3, count=3) == many


class PlainForm(BaseForm):
    """A form written without our own messages: WTForms' built-in texts must still be translated."""

    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])
    code = StringField(validators=[Length(min=3, max=5)])
    email = StringField(validators=[Email(check_deliverability=False)])


@pytest.mark.parametrize(("code", "required", "invalid_email"), [
    ("nl", "Dit veld is vereist.", "Ongeldig e-mailadres."),
    ("fr", "Ce champ est requis.", "Adresse électronique non valide."),
    ("de", "Dieses Feld wird benötigt.", "Ungültige E-Mail-Adresse."),
    ("en", "This field is required.", "Invalid email address."),
])
def test_builtin_validator_messages_are_translated(app, code, required, invalid_email):
    with app.test_request_context("/", method="POST", data={"name": "", "code": "ab", "email": "nope"},
                                  headers={"Accept-Language": code}):
        form = PlainForm()
        assert not form.validate()
        assert form.name.errors == [required]
        assert form.email.errors == [invalid_email]
        assert "3" in form.code.errors[0] and "5" in form.code.errors[0]


@pytest.mark.parametrize(("code", "message"), [
    ("nl", "Vul dit veld in."), ("fr", "Veuillez remplir ce champ."), ("de", "Bitte füllen Sie dieses Feld aus."),
    ("en", "Please fill in this field."),
])
def test_login_form_errors_are_translated(client, code, message):
    from tests.helpers import csrf_from

    token = csrf_from(client.get("/login", headers={"Accept-Language": code}).text)
    response = client.post("/login", data={"csrf_token": token, "email": "", "password": ""},
                           headers={"Accept-Language": code})
    assert response.status_code == 200
    assert message in response.text


@pytest.mark.parametrize("code", ["nl", "fr", "de"])
@pytest.mark.parametrize("status", sorted(PAGES))
def test_every_error_page_is_translated(app, code, status):
    _title, text = PAGES[status]
    with app.test_request_context(), force_locale(code):
        # Titles may be spelled alike ("Conflict" in Dutch); the explanations never are.
        assert str(text) != text._args[0]


def test_accept_language_picks_the_page_language(client):
    assert 'lang="de"' in client.get("/", headers={"Accept-Language": "de-BE,de;q=0.9"}).text
    assert 'lang="fr"' in client.get("/", headers={"Accept-Language": "fr-BE"}).text
    assert 'lang="nl"' in client.get("/", headers={"Accept-Language": "es"}).text
