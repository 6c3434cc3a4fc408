"""Rules of required training: who they assign, when, and what ends when people leave."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from oscart.assignments.models import RuleAssignment, TrainingRule
from oscart.assignments.rules import delete_rule
from oscart.audit.models import AuditEvent
from oscart.certificates.models import Certificate
from oscart.companies.models import GroupMember
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.core.signals import people_changed
from oscart.mail.models import OutboxMessage
from oscart.training.completion import complete_enrolment
from oscart.training.models import COMPLETED, IN_PROGRESS, Enrolment
from tests.assignments_helpers import add_member, make_group, make_job_role, make_rule
from tests.factories import make_company, make_course, make_elearning_course, make_user


@pytest.fixture
def acme():
    company = make_company(name="Acme")
    hr = make_user(role=COMPANY_ADMIN, company=company, first_name="Hilde", last_name="Peeters")
    warehouse = make_group(company, "Warehouse")
    anna = make_user(company=company, first_name="Anna", language="fr")
    bert = make_user(company=company, first_name="Bert")
    add_member(warehouse, anna, bert)
    return {"company": company, "hr": hr, "warehouse": warehouse, "anna": anna, "bert": bert,
            "course": make_course(titles={"nl": "Heftruck", "fr": "Chariot"}, validity_months=12)}


def enrolment_of(person, course):
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id,
                                                     Enrolment.course_id == course.id))


def test_a_rule_assigns_its_course_to_current_members_with_a_due_date_and_a_mail(acme):
    make_rule(acme["hr"], acme["course"], group=acme["warehouse"], due_within_days=14)
    for person in (acme["anna"], acme["bert"]):
        enrolment = enrolment_of(person, acme["course"])
        assert enrolment.status == IN_PROGRESS
        assert local_time.local_date(enrolment.due_at) == local_time.today() + timedelta(days=14)
    assert enrolment_of(acme["hr"], acme["course"]) is None
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "training_assigned")).all()
    assert sorted(m.recipient for m in mails) == sorted([acme["anna"].email, acme["bert"].email])
    anna_mail = next(m for m in mails if m.recipient == acme["anna"].email)
    assert anna_mail.language == "fr" and f"/training/courses/{acme['course'].id}" in anna_mail.body_text


def test_someone_who_joins_the_group_later_is_assigned(acme):
    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    carl = make_user(company=acme["company"])
    db.session.add(GroupMember(group_id=acme["warehouse"].id, user_id=carl.id))
    db.session.flush()
    people_changed.send(acme["company"].id, user_ids=[carl.id], actor=acme["hr"])
    db.session.commit()
    assert enrolment_of(carl, acme["course"]).due_at is not None


def test_a_job_role_rule_and_a_rule_on_group_and_role(acme):
    driver = make_job_role(acme["company"], "Driver")
    acme["anna"].job_role_id = driver.id
    dora = make_user(company=acme["company"], job_role_id=driver.id)  # a driver outside the warehouse
    db.session.commit()
    both = make_course()
    make_rule(acme["hr"], both, group=acme["warehouse"], job_role=driver)
    assert enrolment_of(acme["anna"], both) is not None
    assert enrolment_of(acme["bert"], both) is None and enrolment_of(dora, both) is None
    make_rule(acme["hr"], acme["course"], job_role=driver)
    assert enrolment_of(dora, acme["course"]) is not None and enrolment_of(acme["bert"], acme["course"]) is None


def test_leaving_the_group_ends_open_assignments_and_keeps_completions(acme):
    rule = make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    complete_enrolment(enrolment_of(acme["anna"], acme["course"]), actor=acme["anna"])
    db.session.commit()
    db.session.execute(GroupMember.__table__.delete())
    people_changed.send(acme["company"].id, user_ids=[acme["anna"].id, acme["bert"].id], actor=acme["hr"])
    db.session.commit()
    assert enrolment_of(acme["bert"], acme["course"]) is None  # made by the rule, nothing done yet: gone
    anna = enrolment_of(acme["anna"], acme["course"])
    assert anna.status == COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert db.session.scalar(select(func.count()).select_from(RuleAssignment).where(
        RuleAssignment.rule_id == rule.id)) == 0
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"assignment.rule_created", "assignment.assigned", "assignment.ended"} <= actions


def test_leaving_keeps_started_work_without_the_due_date(acme):
    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    enrolment = enrolment_of(acme["bert"], acme["course"])
    enrolment.progress_percent = 50
    db.session.execute(GroupMember.__table__.delete().where(GroupMember.user_id == acme["bert"].id))
    people_changed.send(acme["company"].id, user_ids=[acme["bert"].id], actor=acme["hr"])
    db.session.commit()
    kept = enrolment_of(acme["bert"], acme["course"])
    assert kept.progress_percent == 50 and kept.due_at is None


def test_deleting_a_rule_ends_what_it_made_and_another_rule_keeps_its_due_date(acme):
    driver = make_job_role(acme["company"])
    acme["anna"].job_role_id = driver.id
    db.session.commit()
    by_group = make_rule(acme["hr"], acme["course"], group=acme["warehouse"], due_within_days=10)
    make_rule(acme["hr"], acme["course"], job_role=driver, due_within_days=40)
    delete_rule(by_group, actor=acme["hr"])
    db.session.commit()
    assert db.session.get(TrainingRule, by_group.id) is None
    assert enrolment_of(acme["bert"], acme["course"]) is None
    due_at = enrolment_of(acme["anna"], acme["course"]).due_at
    assert local_time.local_date(due_at) == local_time.today() + timedelta(days=40)


def test_deactivated_and_restricted_people_get_no_new_assignment(acme):
    acme["anna"].is_active, acme["anna"].deactivated_at = False, utcnow()
    acme["bert"].is_restricted = True
    db.session.commit()
    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    assert enrolment_of(acme["anna"], acme["course"]) is None and enrolment_of(acme["bert"], acme["course"]) is None


def test_a_completed_course_is_not_reopened_by_a_new_rule(acme):
    enrolment = Enrolment(user_id=acme["anna"].id, course_id=acme["course"].id)
    db.session.add(enrolment)
    db.session.flush()
    complete_enrolment(enrolment, actor=acme["anna"])
    db.session.commit()
    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    assert enrolment_of(acme["anna"], acme["course"]).status == COMPLETED


def test_courses_another_company_owns_cannot_be_required(acme):
    from oscart.assignments.rules import save_rule
    from oscart.core.exceptions import NotFound

    theirs = make_elearning_course(owner=make_company(), is_global=False)
    with pytest.raises(NotFound):
        save_rule(None, actor=acme["hr"], course_id=theirs.id, group_id=acme["warehouse"].id, job_role_id=None,
                  due_within_days=30, repeat_mode="never", repeat_months=None, is_active=True)


def test_deleting_the_group_ends_what_its_rules_required(acme):
    from oscart.companies.models import Group

    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    bert = enrolment_of(acme["bert"], acme["course"])
    bert.progress_percent = 40
    members = [acme["anna"].id, acme["bert"].id]
    db.session.execute(GroupMember.__table__.delete())
    db.session.delete(db.session.get(Group, acme["warehouse"].id))
    db.session.flush()
    people_changed.send(acme["company"].id, user_ids=members, actor=acme["hr"])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TrainingRule)) == 0
    assert enrolment_of(acme["anna"], acme["course"]) is None
    assert enrolment_of(acme["bert"], acme["course"]).due_at is None
    assert db.session.scalar(select(func.count()).select_from(RuleAssignment)) == 0


def test_the_daily_follow_up_ends_what_a_deleted_rule_left_behind(acme, runner):
    from oscart.companies.models import Group

    make_rule(acme["hr"], acme["course"], group=acme["warehouse"])
    db.session.delete(db.session.get(Group, acme["warehouse"].id))  # nobody told the rules
    db.session.commit()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    db.session.expire_all()
    assert enrolment_of(acme["anna"], acme["course"]) is None
    assert db.session.scalar(select(func.count()).select_from(RuleAssignment)) == 0
