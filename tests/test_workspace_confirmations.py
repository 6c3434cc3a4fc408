"""Actions a company admin cannot simply undo ask first, on a page of their own whose button posts (no script
needed): removing someone from a group, deactivating a person, removing admin rights, withdrawing an invitation,
deleting a rule. Opening that page changes nothing; its button does the action; Cancel goes back."""

import re

import pytest
from sqlalchemy import select

from oscart.assignments.models import TrainingRule
from oscart.companies import invitations
from oscart.companies.models import GroupMember, Invitation
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from tests.assignments_helpers import add_member, make_group, make_rule
from tests.factories import make_company, make_course, make_user


@pytest.fixture
def acme():
    company = make_company(name="Acme Confirm")
    admin = make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hilde", last_name="Maes")
    second = make_user(role=COMPANY_ADMIN, company=company, first_name="Rik", last_name="Peeters")
    warehouse = make_group(company, "Warehouse")
    anna = make_user(company=company, first_name="Anna", last_name="Jansen")
    add_member(warehouse, anna)
    invitations.invite_people(admin, text="zoe@confirm.example", language="fr")
    db.session.commit()
    return {"company": company, "admin": admin, "second": second, "warehouse": warehouse, "anna": anna,
            "invitation": db.session.scalar(select(Invitation).where(Invitation.email == "zoe@confirm.example")),
            "rule": make_rule(admin, make_course(titles={"en": "Forklift safety"}), group=warehouse)}


@pytest.fixture
def hr(browser, acme):
    browser.login(acme["admin"].email)
    return browser


def _ask(hr, path):
    """The confirmation page at ``path``: its text, after checking that its form posts back to it."""
    page = hr.get(path)
    assert page.status_code == 200
    form = re.search(r'<form method="post">.*?</form>', page.text, re.S).group(0)  # posts to its own address
    assert 'class="button button-danger"' in form and 'class="button button-quiet"' in form  # and Cancel
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def _member(acme):
    return db.session.scalar(select(GroupMember).where(GroupMember.user_id == acme["anna"].id))


def test_removing_someone_from_a_group_asks_first(hr, acme):
    group_page = f"/company/groups/{acme['warehouse'].id}"
    path = f"{group_page}/members/{acme['anna'].id}/remove"
    assert f'href="{path}"' in hr.get(group_page).text  # a link to the question, not a button that removes
    text = _ask(hr, path)
    assert "Remove Anna Jansen from the group Warehouse?" in text and "What they completed" in text
    assert _member(acme) is not None
    assert hr.submit(path, form_page=path).status_code == 302
    assert _member(acme) is None


def test_deactivating_asks_first(hr, acme):
    path = f"/company/employees/{acme['anna'].id}/deactivate"
    assert f'href="{path}"' in hr.get(f"/company/employees/{acme['anna'].id}").text
    assert "Deactivate Anna Jansen?" in _ask(hr, path)
    db.session.refresh(acme["anna"])
    assert acme["anna"].is_active
    hr.submit(path, form_page=path)
    db.session.refresh(acme["anna"])
    assert not acme["anna"].is_active


def test_removing_admin_rights_asks_first(hr, acme):
    path = f"/company/employees/{acme['second'].id}/remove-admin"
    assert f'href="{path}"' in hr.get(f"/company/employees/{acme['second'].id}").text
    assert "Remove the admin rights of Rik Peeters?" in _ask(hr, path)
    hr.submit(path, form_page=path)
    db.session.refresh(acme["second"])
    assert acme["second"].role != COMPANY_ADMIN


def test_withdrawing_an_invitation_asks_first(hr, acme):
    path = f"/company/invitations/{acme['invitation'].id}/revoke"
    assert f'href="{path}"' in hr.get("/company/invitations").text
    assert "Withdraw the invitation of zoe@confirm.example?" in _ask(hr, path)
    db.session.refresh(acme["invitation"])
    assert acme["invitation"].revoked_at is None
    hr.submit(path, form_page=path)
    db.session.refresh(acme["invitation"])
    assert acme["invitation"].revoked_at is not None


def test_deleting_a_rule_asks_first_and_says_what_ends(hr, acme):
    path = f"/company/rules/{acme['rule'].id}/delete"
    assert f'href="{path}"' in hr.get(f"/company/rules/{acme['rule'].id}").text
    text = _ask(hr, path)
    assert "Delete the rule that requires Forklift safety of Warehouse?" in text
    assert "1 open assignment the rule made ends." in text
    rule = select(TrainingRule.id).where(TrainingRule.id == acme["rule"].id)
    assert db.session.scalar(rule) is not None
    hr.submit(path, form_page=path)
    assert db.session.scalar(rule) is None


@pytest.mark.parametrize("path", ["/company/groups/{group}/members/{anna}/remove",
                                  "/company/employees/{anna}/deactivate", "/company/invitations/{invitation}/revoke",
                                  "/company/rules/{rule}/delete"])
def test_the_questions_are_in_the_readers_language(hr, acme, path):
    acme["admin"].language = "nl"
    db.session.commit()
    url = path.format(group=acme["warehouse"].id, anna=acme["anna"].id, invitation=acme["invitation"].id,
                      rule=acme["rule"].id)
    text = _ask(hr, url)
    assert "Annuleren" in text and "?" in text
    for english in ("Remove ", "Deactivate ", "Withdraw the", "Delete the rule", "open assignment"):
        assert english not in text, english
