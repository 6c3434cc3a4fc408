"""The fields a people file can fill, the column names guessed for them in four languages, and the sample files."""

import re

from flask_babel import lazy_gettext as _l

from oscart.core import tabular
from oscart.core.i18n import LANGUAGES, fold_for_search, force_locale

FIELDS = {
    "email": _l("E-mail address"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "language": _l("Language"),
    "groups": _l("Groups"),
    "job_role": _l("Job role"),
    "employee_number": _l("Employee number"),
    "manager_email": _l("Manager's e-mail address"),
}
REQUIRED = ("email",)
GROUP_SEPARATORS = re.compile(r"[;|]")

# Column names people write, besides each field's own label in the four languages (which the samples use).
_SYNONYMS = {
    "email": ("email", "e-mail", "mail", "emailaddress", "emailadres", "e-mailadres", "courriel", "adresse e-mail",
              "adresse mail", "adresse electronique", "e-mail-adresse", "emailadresse"),
    "first_name": ("first name", "firstname", "given name", "forename", "voornaam", "prenom", "vorname"),
    "last_name": ("last name", "lastname", "surname", "family name", "achternaam", "familienaam", "nom",
                  "nom de famille", "nachname", "familienname", "name"),
    "language": ("language", "taal", "langue", "sprache", "lang"),
    "groups": ("group", "groups", "groep", "groepen", "groupe", "groupes", "gruppe", "gruppen", "department",
               "afdeling", "departement", "abteilung", "site", "team"),
    "job_role": ("job role", "role", "job", "function", "job title", "functie", "rol", "fonction", "poste",
                 "funktion", "stelle", "rolle", "berufsrolle"),
    "employee_number": ("employee number", "employee id", "personnel number", "personeelsnummer", "matricule",
                        "numero d'employe", "numero de personnel", "personalnummer", "mitarbeiternummer"),
    "manager_email": ("manager", "manager email", "manager e-mail", "email manager", "e-mail manager",
                      "leidinggevende", "e-mail leidinggevende", "e-mailadres van de leidinggevende",
                      "adresse e-mail du responsable", "e-mail-adresse des vorgesetzten", "responsable",
                      "e-mail du responsable",
                      "vorgesetzter", "vorgesetzte", "e-mail vorgesetzter", "e-mail des vorgesetzten"),
}


def _key(text):
    """A column name reduced to letters and digits: "E-mail-adres " and "emailadres" read alike."""
    return re.sub(r"[^0-9a-z]", "", fold_for_search(str(text)))


def _names():
    names = {}
    for field, words in _SYNONYMS.items():
        for word in words:
            names.setdefault(_key(word), field)
    for language in LANGUAGES:
        with force_locale(language):
            for field, label in FIELDS.items():
                names[_key(str(label))] = field  # the labels win: the sample files use them
    return names


def guess_mapping(header):
    """Field → index of the first column whose name reads as that field (fields without one are left out)."""
    names, mapping = _names(), {}
    for index, name in enumerate(header):
        field = names.get(_key(name))
        if field and field not in mapping:
            mapping[field] = index
    return mapping


def split_groups(cell):
    """Group names of one cell: several are separated by ``;`` or ``|``."""
    return [name.strip() for name in GROUP_SEPARATORS.split(cell) if name.strip()]


# The groups and job role are those of the demo company Acme Logistics (seed-demo), so that the sample imports
# there as it is; another company sees in the preview which names its own groups must have.
_SAMPLE_PEOPLE = (
    ("an.peeters@example.com", "An", "Peeters", "nl", "Magazijn Antwerpen; Kantoor", "Heftruckchauffeur", "1001", ""),
    ("luc.dubois@example.com", "Luc", "Dubois", "fr", "Magazijn Antwerpen", "Heftruckchauffeur", "1002",
     "an.peeters@example.com"),
    ("jonas.weber@example.com", "Jonas", "Weber", "de", "Kantoor", "", "1003", "an.peeters@example.com"),
    ("sarah.smith@example.com", "Sarah", "Smith", "en", "", "", "1004", ""),
)


def sample_response(language, extension):
    """A sample people file with the column names in ``language`` (CSV with that language's separator, or XLSX)."""
    with force_locale(language):
        header = [str(label) for label in FIELDS.values()]
        return tabular.export_response(extension, f"people-{language}", header, _SAMPLE_PEOPLE, title="people")
