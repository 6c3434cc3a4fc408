"""The company workspace on the demo data: Acme's invitations waiting for an answer, and the sample people file of
each language imported into Acme as it is."""

import re

import pytest
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.assignments.models import RuleAssignment
from oscart.companies.models import Group, GroupMember, Invitation
from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db
from oscart.training.models import Course, Enrolment
from tests.test_workspace_import import columns, confirm, preview, upload


@pytest.fixture
def acme_hr(browser):
    seed_demo()
    db.session.commit()
    browser.login("hr@acme.example", DEMO_PASSWORD)
    return browser


def test_acme_has_invitations_waiting_and_one_expired(acme_hr):
    acme_id = db.session.scalar(select(User.company_id).where(User.email == "hr@acme.example"))
    assert db.session.scalar(select(Invitation.id).where(Invitation.company_id != acme_id)) is None
    page = acme_hr.get("/company/invitations").text
    assert "jan.desmet@acme.example" in page and "kurt.becker@acme.example" in page
    assert page.count('class="badge">Verlopen<') == 1
    assert "2 uitnodigingen wachten op antwoord." in acme_hr.get("/company/").text


def test_seeding_again_adds_no_invitation(acme_hr):
    before = db.session.scalars(select(Invitation.email).order_by(Invitation.email)).all()
    seed_demo()
    db.session.commit()
    assert db.session.scalars(select(Invitation.email).order_by(Invitation.email)).all() == before


@pytest.mark.parametrize(("language", "extension"), [("nl", "csv"), ("fr", "xlsx"), ("de", "csv"), ("en", "xlsx")])
def test_each_sample_file_imports_into_acme_as_it_is(acme_hr, language, extension):
    sample = acme_hr.get(f"/company/import/sample-{language}.{extension}").get_data()
    page = preview(acme_hr, columns(acme_hr, upload(acme_hr, sample, f"sample-{language}.{extension}")))
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd><strong>(\d+)</strong>", page.text))
    assert counts["nieuw"] == "4" and counts["niet toegevoegd"] == "0"
    response = confirm(acme_hr, page)
    assert response.status_code == 302
    an = db.session.scalar(select(User).where(User.email == "an.peeters@example.com"))
    luc = db.session.scalar(select(User).where(User.email == "luc.dubois@example.com"))
    groups = db.session.scalars(select(Group.name).join(GroupMember, GroupMember.group_id == Group.id)
                                .where(GroupMember.user_id == an.id).order_by(Group.name)).all()
    assert groups == ["Kantoor", "Magazijn Antwerpen"] and luc.manager_id == an.id
    assert db.session.scalar(select(User.id).where(User.email == "sarah.smith@example.com")) is not None
    # The rule of the warehouse (SAFE-101) now requires its course of the newcomers there.
    safe = db.session.scalar(select(Course.id).where(Course.code == "SAFE-101"))
    required = db.session.scalars(select(Enrolment.user_id).join(RuleAssignment,
                                                                 RuleAssignment.enrolment_id == Enrolment.id)
                                  .where(Enrolment.course_id == safe)).all()
    assert {an.id, luc.id} <= set(required)
