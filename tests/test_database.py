import pytest

from oscart.companies.models import Company
from oscart.database import get_or_raise
from oscart.exceptions import NotFound
from tests.factories import make_company


def test_get_or_raise_returns_the_row():
    company = make_company(name="Initech")
    assert get_or_raise(Company, company.id).name == "Initech"


def test_get_or_raise_turns_a_missing_id_into_not_found():
    with pytest.raises(NotFound):
        get_or_raise(Company, 987654)
