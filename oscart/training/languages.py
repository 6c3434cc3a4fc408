"""The content-language preference of one user, with the company default looked up only when needed."""

from itertools import chain

from sqlalchemy import bindparam, select

from oscart.companies.models import Company
from oscart.core.database import prepared
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

_UNKNOWN = object()


@prepared
def _company_language_statement():
    return select(Company.default_language).where(Company.id == bindparam("company_id"))


class LanguagePreference:
    """An explicit choice (?lang=), the user's language, then the company default, then ``fallbacks``, then any.

    Most content exists in the user's language, so the company is queried only when the first choices miss.
    """

    def __init__(self, user, chosen=None):
        self.first = [code for code in (chosen, user.language) if code]
        self._company_id = user.company_id
        self._company_language = _UNKNOWN

    @property
    def wanted(self):
        return self.first[0] if self.first else None

    def _company(self):
        if self._company_language is _UNKNOWN:
            self._company_language = None if self._company_id is None else db.session.scalar(
                _company_language_statement(), {"company_id": self._company_id})
        if self._company_language:
            yield self._company_language

    def pick(self, available, *fallbacks):
        """The first language of the chain that ``available`` contains, or None."""
        for code in chain(self.first, self._company(), fallbacks, LANGUAGES):
            if code in available:
                return code
        return None
