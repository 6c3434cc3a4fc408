"""Shared arrangement for the classroom tests: two companies, people in every role, one course."""

from types import SimpleNamespace

from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_classroom_course, make_company, make_user


def make_world():
    acme, globex = make_company(name="Acme"), make_company(name="Globex")
    return SimpleNamespace(
        acme=acme,
        globex=globex,
        admin=make_user(role=PLATFORM_ADMIN, language="en", first_name="Olivia", last_name="Admin"),
        trainer=make_user(role=TRAINER, language="en", first_name="Thomas", last_name="Trainer"),
        other_trainer=make_user(role=TRAINER, language="en", first_name="Tess", last_name="Other"),
        hr_acme=make_user(role=COMPANY_ADMIN, company=acme, language="en", first_name="Hilde", last_name="Acme"),
        hr_globex=make_user(role=COMPANY_ADMIN, company=globex, language="en", first_name="Henri",
                            last_name="Globex"),
        anna=make_user(role=TRAINEE, company=acme, language="nl", first_name="Anna", last_name="Jansen"),
        pieter=make_user(role=TRAINEE, company=acme, language="en", first_name="Pieter", last_name="Willems"),
        bruno=make_user(role=TRAINEE, company=globex, language="fr", first_name="Bruno", last_name="Martin"),
        course=make_classroom_course(code="VCA", title="VCA basis"),
    )
