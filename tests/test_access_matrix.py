"""The access matrix: every route of the URL map, for every role, with own and foreign ids.

For each rule in ``app.url_map`` the test requests the URL as anonymous, trainee, trainer, company admin
and platform admin (trainee and company admin once in each of two companies), with the URL variables
filled from ``ID_PROVIDERS`` once with ids of the actor's own company ("own") and once with the other
company's ("other"), and compares the status with ``ACCESS``. A rule whose endpoint is not in ``ACCESS``
fails the test, so every new route must be declared here. Every POST route is also sent without a
CSRF token and must answer 400; a POST-only route must answer 405 to GET.

How to add a route (the lead does this when merging a feature branch):

1. Add a row to ``ACCESS``, keyed by endpoint, with the status each role gets per method::

       "training.course": {"GET": per_role(302, 200, 200, 200, 200)},
       "classroom.mark": {"POST": {"own": only("trainer", "platform_admin", ok=302),
                                   "other": only("trainer", "platform_admin", ok=404)}},

   When one endpoint has several rules that answer differently (``/admin/users/new`` and
   ``/admin/users/<int:user_id>``), a key ``"endpoint /rule"`` overrides the endpoint's row for that rule.
   A value is either one ``per_role(anonymous, trainee, trainer, company_admin, platform_admin)`` dict
   (same answer for own and foreign ids) or ``{"own": ..., "other": ...}``. Helpers: ``PUBLIC``,
   ``LOGGED_IN``, ``everyone(code)``, ``only(*roles, ok=200)`` (anonymous 302, the others 403).
   POSTs are sent with a valid CSRF token and an empty form, each on a fresh login.
2. If the rule has a URL variable not yet in ``ID_PROVIDERS`` (say ``<int:course_id>``), add a provider
   ``"course_id": lambda world, side, role: ...`` returning the id of an object of ``world.company(side,
   role)``; build the objects you need in ``World.__init__`` (or lazily in the provider).
"""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from oscart.auth.services import start_session
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from oscart.training.models import Lesson
from tests.factories import make_company, make_user
from tests.helpers import csrf_from

ROLES = ("anonymous", TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)


def per_role(anonymous, trainee, trainer, company_admin, platform_admin):
    return dict(zip(ROLES, (anonymous, trainee, trainer, company_admin, platform_admin), strict=True))


def everyone(code):
    return per_role(code, code, code, code, code)


def only(*roles, ok=200, anonymous=302):
    return {role: (anonymous if role == "anonymous" else ok if role in roles else 403) for role in ROLES}


PUBLIC = everyone(200)
LOGGED_IN = per_role(302, 200, 200, 200, 200)
ADMIN = only(PLATFORM_ADMIN)
# Authoring a company's own course: only that company's admins (trainees lack the permission: 403).
MANAGE_OWN = per_role(302, 403, 404, 200, 404)
MANAGE_OWN_POST = per_role(302, 403, 404, 302, 404)
MANAGE_OTHER = per_role(302, 403, 404, 404, 404)

ACCESS = {
    # main
    "main.index": {"GET": per_role(200, 302, 302, 302, 302)},
    "main.dashboard": {"GET": LOGGED_IN},
    "main.healthz": {"GET": PUBLIC},
    # The tests build the schema with create_all, without a migration revision: never "ready" here.
    "main.readyz": {"GET": everyone(503)},
    "metrics": {"GET": PUBLIC},  # the test client comes from 127.0.0.1, in METRICS_ALLOWED_IPS
    "main.language": {"POST": everyone(400)},  # an empty form names no language
    # auth
    "auth.login": {"GET": per_role(200, 302, 302, 302, 302), "POST": per_role(200, 302, 302, 302, 302)},
    "auth.logout": {"POST": everyone(302)},
    "auth.request_reset": {"GET": PUBLIC, "POST": PUBLIC},
    "auth.reset_password": {"GET": everyone(302), "POST": everyone(302)},  # invalid token → back to /reset
    "auth.two_step": {"GET": everyone(302), "POST": everyone(302)},  # no half-finished login → /login
    "auth.two_step_enrol": {"GET": everyone(302), "POST": everyone(302)},
    # accounts
    "accounts.profile": {"GET": LOGGED_IN, "POST": everyone(302)},  # fields left out keep their values
    "accounts.password": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "accounts.photo": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "accounts.remove_photo": {"POST": everyone(302)},
    "accounts.photo_image": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 200, 404, 200)}},
    "account_security.index": {"GET": LOGGED_IN},
    "account_security.enable": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "account_security.setup": {"GET": everyone(302), "POST": everyone(302)},  # password not re-entered
    "account_security.disable": {"POST": everyone(302)},
    "account_security.recovery_codes": {"GET": everyone(302), "POST": everyone(302)},  # two-step is off
    "account_security.end_others": {"POST": everyone(302)},
    "account_security.end_session": {"POST": {"own": everyone(302), "other": per_role(302, 404, 404, 404, 404)}},
    # companies (company admin area)
    "companies.index": {"GET": only(COMPANY_ADMIN)},
    "companies.employees": {"GET": only(COMPANY_ADMIN)},
    "companies.training_matrix": {"GET": only(COMPANY_ADMIN)},
    "companies.training_matrix_csv": {"GET": only(COMPANY_ADMIN)},
    "reports.dashboard": {"GET": only(COMPANY_ADMIN)},
    "reports.export": {"GET": only(COMPANY_ADMIN)},
    "companies.two_step_policy": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN, ok=302)},
    "companies.invitations_page": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},  # empty form: errors
    "companies.resend_invitation": {"POST": {"own": only(COMPANY_ADMIN, ok=302),
                                             "other": only(COMPANY_ADMIN, ok=404)}},
    "companies.revoke_invitation": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                                    "POST": {"own": only(COMPANY_ADMIN, ok=302),
                                             "other": only(COMPANY_ADMIN, ok=404)}},
    "companies.accept_invitation": {"GET": everyone(410), "POST": everyone(410)},  # invalid token
    # workspace (company admin area: groups, job roles, employee pages)
    "workspace.groups_page": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},  # empty form: errors
    "workspace.roles_page": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},
    # A form without fields keeps the stored name: saved unchanged.
    "workspace.edit_group": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                             "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "workspace.edit_role": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                            "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    # A group's members: an empty form shows its error; removing someone who is not in the group changes nothing.
    "workspace.group": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                        "POST": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)}},
    "workspace.remove_group_member": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                                      "POST": {"own": only(COMPANY_ADMIN, ok=302),
                                               "other": only(COMPANY_ADMIN, ok=404)}},
    "workspace.logo": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},  # an empty form: its error
    "workspace.remove_logo_view": {"POST": only(COMPANY_ADMIN, ok=302)},
    "workspace.delete_group": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                               "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "workspace.delete_role": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                              "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "workspace.employee": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)}},
    # An empty form is valid: no number, job role, manager or group.
    "workspace.edit_employee": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                                "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    **{f"workspace.{name}": {"POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}}
       for name in ("reactivate_employee", "appoint_admin")},
    # Deactivating and removing admin rights ask first (a page whose button posts).
    **{f"workspace.{name}": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                             "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}}
       for name in ("deactivate_employee", "revoke_admin")},
    # people import (an upload belongs to the admin who sent it; an empty form shows its errors)
    "people_import.upload": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},
    "people_import.sample": {"GET": only(COMPANY_ADMIN)},
    # An empty column form keeps the columns shown (the guessed ones): on to the preview.
    "people_import.columns": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                              "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "people_import.preview": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)}},
    # Without the preview's digest the import is not done: back to the preview.
    "people_import.confirm": {"POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "people_import.result": {"GET": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "people_import.invite_waiting": {"POST": only(COMPANY_ADMIN, ok=302)},
    # audit
    "audit.index": {"GET": only(COMPANY_ADMIN, PLATFORM_ADMIN)},
    "audit.export": {"GET": only(COMPANY_ADMIN, PLATFORM_ADMIN)},
    # platform admin
    "admin.index": {"GET": ADMIN},
    "admin.companies": {"GET": ADMIN},
    "admin.company /admin/companies/new": {"GET": ADMIN, "POST": ADMIN},
    "admin.company": {"GET": ADMIN, "POST": only(PLATFORM_ADMIN, ok=302)},  # saved with unchanged values
    "admin.users": {"GET": ADMIN},
    "admin.user /admin/users/new": {"GET": ADMIN, "POST": ADMIN},
    "admin.user": {"GET": ADMIN, "POST": only(PLATFORM_ADMIN, ok=302)},
    "admin.unlock": {"POST": only(PLATFORM_ADMIN, ok=302)},
    "admin.reset_two_step": {"POST": only(PLATFORM_ADMIN, ok=302)},
    # privacy (self-service)
    "privacy.statement": {"GET": PUBLIC},
    "privacy.changes": {"GET": PUBLIC},
    "privacy.acknowledge": {"POST": everyone(302)},
    "privacy.me": {"GET": LOGGED_IN},
    "privacy.consent": {"POST": everyone(302)},
    "privacy.export_data": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "privacy.new_request": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "privacy.message": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 404, 404, 404)}},
    "privacy.unsubscribe": {"GET": everyone(400), "POST": everyone(400)},  # a forged token
    # privacy (platform admin)
    "privacy_admin.queue": {"GET": ADMIN},
    "privacy_admin.decide": {"GET": ADMIN, "POST": ADMIN},
    "privacy_admin.versions": {"GET": ADMIN, "POST": ADMIN},
    "privacy_admin.campaign_list": {"GET": ADMIN},
    "privacy_admin.campaign": {"GET": ADMIN, "POST": ADMIN},
    "privacy_admin.send_campaign": {"POST": only(PLATFORM_ADMIN, ok=302)},
    "privacy_admin.retention_plan": {"GET": ADMIN},
    "privacy_admin.incident_list": {"GET": ADMIN},
    "privacy_admin.new_incident": {"GET": ADMIN, "POST": ADMIN},
    "privacy_admin.incident": {"GET": ADMIN},
    "privacy_admin.notify": {"POST": only(PLATFORM_ADMIN, ok=302)},
    # classroom (ids: an in-company session of the side's company, taught by the trainer)
    "classroom.index": {"GET": LOGGED_IN},
    "classroom.mine": {"GET": LOGGED_IN},
    "classroom.session": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 200, 404, 200)}},
    "classroom.register": {"POST": {"own": everyone(302), "other": per_role(302, 404, 302, 404, 302)}},
    "classroom.cancel": {"POST": {"own": everyone(302), "other": per_role(302, 404, 302, 404, 302)}},
    "classroom.employees": {"POST": {"own": only(COMPANY_ADMIN, ok=302), "other": per_role(302, 403, 403, 404, 403)}},
    "classroom.plan": {"GET": only(TRAINER, PLATFORM_ADMIN), "POST": only(TRAINER, PLATFORM_ADMIN)},
    "classroom.teach": {"GET": only(TRAINER, PLATFORM_ADMIN)},
    "classroom.attendance_list": {"GET": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)},
    "classroom.attendance_csv": {"GET": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)},
    "classroom.session_csv": {"GET": {"own": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN),
                                      "other": per_role(302, 403, 200, 404, 200)}},
    "classroom.attendance_sheet": {"GET": only(TRAINER, PLATFORM_ADMIN), "POST": only(TRAINER, PLATFORM_ADMIN, ok=302)},
    "classroom.signin_sheet": {"GET": only(TRAINER, PLATFORM_ADMIN)},
    "classroom.history": {"GET": only(TRAINER, PLATFORM_ADMIN)},
    # Without a registration the confirmation leads back to the session page.
    "classroom.confirm_cancel": {"GET": {"own": everyone(302), "other": per_role(302, 404, 302, 404, 302)}},
    # The world's sessions have started: the page says why it cannot be cancelled, the POST flashes it.
    "classroom.cancel_session": {"GET": only(TRAINER, PLATFORM_ADMIN), "POST": only(TRAINER, PLATFORM_ADMIN, ok=302)},
    "classroom.session_ics": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 200, 404, 200)}},
    "classroom.calendar_page": {"GET": LOGGED_IN, "POST": LOGGED_IN},  # a new address is shown on the answer
    "classroom.revoke_calendar_feed": {"POST": everyone(302)},
    "classroom.calendar_feed": {"GET": everyone(404)},  # an unknown address, logged in or not
    "classroom.check_in_code": {"GET": only(TRAINER, PLATFORM_ADMIN)},  # the part has ended: says check-in is closed
    # The side's member is not registered in the session: not on the sheet, so nobody signs for them.
    "classroom.sign": {m: per_role(302, 403, 404, 403, 404) for m in ("GET", "POST")},
    # A wrong code: the page again with the reason.
    "classroom.check_in": {m: {"own": LOGGED_IN, "other": per_role(302, 404, 200, 404, 200)} for m in ("GET", "POST")},
    # certificates (ids: a certificate of the side company's trainee)
    "certificates.verify_form": {"GET": PUBLIC},
    "certificates.verify": {"GET": PUBLIC, "POST": PUBLIC},  # an empty upload gets the form again
    "certificates.mine": {"GET": LOGGED_IN},
    "certificates.earned": {"GET": everyone(302)},  # no certificate of that course: to the course page
    "certificates.download": {"GET": {"own": per_role(302, 200, 404, 200, 200),
                                      "other": per_role(302, 404, 404, 404, 200)}},
    "certificates.company": {"GET": only(COMPANY_ADMIN)},
    "certificates.company_zip": {"GET": only(COMPANY_ADMIN)},
    "certificates.company_pdf": {"GET": only(COMPANY_ADMIN)},
    "certificates.company_list": {"GET": only(COMPANY_ADMIN)},
    "certificates.refresher": {"POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    # An empty form names no format: back to the certificates, nothing started.
    "certificates.company_job": {"POST": only(COMPANY_ADMIN, ok=302)},
    # A job and its file are its owner's alone.
    "jobs.job": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 404, 404, 404)}},
    "jobs.download": {"GET": {"own": LOGGED_IN, "other": per_role(302, 404, 404, 404, 404)}},
    "certificates.manage": {"GET": ADMIN},
    "certificates.manage_list": {"GET": ADMIN},
    "certificates.detail": {"GET": ADMIN},
    "certificates.reissue": {"POST": only(PLATFORM_ADMIN, ok=400)},  # a reason is required
    "certificates.revoke": {"POST": only(PLATFORM_ADMIN, ok=400)},
    "certificates.issue": {"GET": ADMIN, "POST": ADMIN},
    # An empty form: the reason is required, the page answers with the error.
    "certificates.reissue_many": {"GET": ADMIN, "POST": ADMIN},
    # required training (company admin area; ids: a rule of the side's company)
    "assignments.index": {"GET": only(COMPANY_ADMIN)},
    "assignments.rule /company/rules/new": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},  # errors
    "assignments.rule": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                         "POST": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)}},
    "assignments.reminder_days": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},  # empty form: error
    "assignments.delete": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                           "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "reminders.settings": {"GET": LOGGED_IN, "POST": everyone(302)},  # an empty form turns them off
    # training (ids: a course authored by the side's company, with its lesson, image, quiz and news, and the
    # enrolment and quiz attempt of that company's trainee). A company's own courses are seen by that company
    # only: Oscart staff (trainers, platform admins) get 404 like everyone else outside the company.
    "training.catalogue": {"GET": LOGGED_IN},
    "training.course": {"GET": {"own": per_role(302, 200, 404, 200, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.enrol": {"POST": {"own": per_role(302, 302, 404, 302, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.lesson": {"GET": {"own": per_role(302, 200, 404, 200, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.image": {"GET": {"own": per_role(302, 200, 404, 200, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.media": {"GET": {"own": per_role(302, 200, 404, 200, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.lesson_done": {"POST": {"own": per_role(302, 302, 404, 404, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.quiz_start": {"POST": {"own": per_role(302, 302, 404, 404, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.attempt": {"GET": {"own": per_role(302, 200, 404, 404, 404), "other": per_role(302, 404, 404, 404, 404)},
                         "POST": {"own": per_role(302, 302, 404, 404, 404), "other": per_role(302, 404, 404, 404, 404)}},
    "training.manage.courses": {"GET": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)},
    # The course screen; an empty form is refused with its errors (400).
    "training.manage.course /training/manage/new": {"GET": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN),
                                                    "POST": only(TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN, ok=400)},
    "training.manage.course": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER},
                               "POST": {"own": per_role(302, 403, 404, 400, 404), "other": MANAGE_OTHER}},
    "training.manage.editor": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER}},
    "training.manage.images": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER},
                               "POST": {"own": MANAGE_OWN, "other": MANAGE_OTHER}},
    "training.manage.lesson_new": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.lesson": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER},
                               "POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.lesson_delete": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    # An empty form names no file: back to the lesson with the reason, nothing stored or removed.
    "training.manage.lesson_file": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.lesson_file_remove": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    # The image picker's upload: an empty form answers 400 with the reason as JSON.
    "training.manage.image_upload": {"POST": {"own": per_role(302, 403, 404, 400, 404), "other": MANAGE_OTHER}},
    "training.manage.lesson_move": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.duplicate": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.quiz": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER},
                             "POST": {"own": MANAGE_OWN, "other": MANAGE_OTHER}},
    "training.manage.question_delete": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.manage.question_move": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    # A question's editor; an empty form is refused with its errors (400).
    "training.manage.question": {"GET": {"own": MANAGE_OWN, "other": MANAGE_OTHER},
                                 "POST": {"own": per_role(302, 403, 404, 400, 404), "other": MANAGE_OTHER}},
    "training.manage.status": {"POST": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    # One language's former page leads to its part of the course screen.
    "training.manage.texts": {"GET": {"own": MANAGE_OWN_POST, "other": MANAGE_OTHER}},
    "training.company.assign": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},
    "training.company.news_list": {"GET": only(COMPANY_ADMIN)},
    "training.company.news /training/company/news/new": {"GET": only(COMPANY_ADMIN), "POST": only(COMPANY_ADMIN)},
    "training.company.news": {"GET": {"own": only(COMPANY_ADMIN), "other": only(COMPANY_ADMIN, ok=404)},
                              "POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
    "training.company.news_delete": {"POST": {"own": only(COMPANY_ADMIN, ok=302), "other": only(COMPANY_ADMIN, ok=404)}},
}

SKIPPED_ENDPOINTS = {"static"}


class World:
    """Two companies, each with a trainee, a company admin and a colleague with a photo; Oscart staff."""

    def __init__(self):
        self.companies = {"A": make_company(name="Matrix A"), "B": make_company(name="Matrix B")}
        self.people = {}
        for key, company in self.companies.items():
            self.people[(TRAINEE, key)] = make_user(company=company)
            self.people[(COMPANY_ADMIN, key)] = make_user(role=COMPANY_ADMIN, company=company)
            self.people[("member", key)] = make_user(company=company, photo=_tiny_jpeg(),
                                                     photo_mime="image/jpeg", photo_updated_at=utcnow())
        self.people[(TRAINER, None)] = make_user(role=TRAINER)
        self.people[(PLATFORM_ADMIN, None)] = make_user(role=PLATFORM_ADMIN)
        self._sessions = {}
        self._certificates = {}
        self._training = {}

    def actor(self, role, key):
        if role == "anonymous":
            return None
        return self.people.get((role, key)) or self.people[(role, None)]

    def key(self, side, home):
        return home if side == "own" else ("B" if home == "A" else "A")

    def rule(self, key):
        """A new rule of company ``key`` each time (a delete may have removed the last one)."""
        from oscart.assignments.models import TrainingRule
        from tests.assignments_helpers import make_group
        from tests.factories import make_course

        rule = TrainingRule(company_id=self.companies[key].id, course_id=make_course().id,
                            group_id=make_group(self.companies[key], f"Group {utcnow().timestamp()}").id)
        db.session.add(rule)
        db.session.commit()
        return rule

    def training_session(self, key):
        from tests.factories import make_training_session, past_parts

        if key not in self._sessions:
            self._sessions[key] = make_training_session(company=self.companies[key], parts=past_parts(),
                                                        trainers=[self.people[(TRAINER, None)]])
        return self._sessions[key]

    def started_part(self, key):
        from oscart.classroom.models import SessionPart

        return db.session.scalar(select(SessionPart).where(SessionPart.session_id == self.training_session(key).id))

    def certificate(self, key):
        from tests.factories import make_certificate

        if key not in self._certificates:
            self._certificates[key] = make_certificate(self.people[(TRAINEE, key)])
        return self._certificates[key]

    def training(self, key):
        """A course of company ``key`` with a lesson, an image and a quiz; its trainee's enrolment and attempt."""
        if key not in self._training:
            from oscart.training.models import CompanyNews, LessonImage
            from tests.factories import lesson_ids, make_attempt, make_elearning_course, make_enrolment
            from tests.media_helpers import PDF, add_media

            company = self.companies[key]
            # Two questions: the question's routes run in URL order, and /delete removes one before /move.
            course = make_elearning_course(owner=company, quiz={"nl": [("Vraag?", ["Ja", "Nee"], 0),
                                                                       ("Vraag 2?", ["Ja", "Nee"], 1)]})
            enrolment = make_enrolment(self.people[(TRAINEE, key)], course)
            image = LessonImage(course_id=course.id, content_type="image/jpeg", width=8, height=8, data=_tiny_jpeg(),
                                sha256="0" * 64)
            news = CompanyNews(company_id=company.id, title="Nieuws", body_source="Tekst", body_html="<p>Tekst</p>")
            db.session.add_all([image, news])
            db.session.flush()
            db.session.commit()
            attempt = make_attempt(enrolment)
            lesson = db.session.get(Lesson, lesson_ids(course)[0])
            media = add_media(lesson, "nl", "document", PDF, "application/pdf")
            self._training[key] = {"course": course, "lesson": lesson, "image": image, "media": media,
                                   "enrolment": enrolment, "attempt": attempt, "news": news}
        return self._training[key]

    def question_id(self, key):
        """The first question still in the bank of company ``key``'s course."""
        from oscart.training.quiz_models import Question, Quiz

        course = self.training(key)["course"]
        return db.session.scalar(select(Question.id).join(Quiz, Quiz.id == Question.quiz_id)
                                 .where(Quiz.course_id == course.id).order_by(Question.id).limit(1))

    def people_import(self, key):
        """A new upload of company ``key``'s admin each time (a confirmation may have completed one)."""
        from oscart.workspace.import_models import PeopleImport

        upload = PeopleImport(company_id=self.companies[key].id, admin_id=self.people[(COMPANY_ADMIN, key)].id,
                              filename="people.csv", header=["email"], rows=[["new@example.org"]],
                              mapping={"email": 0})
        db.session.add(upload)
        db.session.commit()
        return upload

    def invitation(self, key):
        from datetime import timedelta

        from oscart.companies.models import Invitation

        self._invited = getattr(self, "_invited", 0) + 1  # a new open invitation each time (one may be revoked)
        invitation = Invitation(company_id=self.companies[key].id, email=f"invited{self._invited}@example.org",
                                language="nl", expires_at=utcnow() + timedelta(days=14),
                                token_hash=f"{self._invited:064d}")
        db.session.add(invitation)
        db.session.commit()
        return invitation

    def group(self, key):
        from oscart.companies.models import Group

        self._groups = getattr(self, "_groups", 0) + 1
        group = Group(company_id=self.companies[key].id, name=f"Group {self._groups}")
        db.session.add(group)
        db.session.commit()
        return group

    def job_role(self, key):
        from oscart.companies.models import JobRole

        self._roles = getattr(self, "_roles", 0) + 1
        role = JobRole(company_id=self.companies[key].id, name=f"Job role {self._roles}")
        db.session.add(role)
        db.session.commit()
        return role

    def message_for(self, user):
        from oscart.mail.models import OutboxMessage

        message = OutboxMessage(user_id=user.id, recipient=user.email, template="welcome", language="nl",
                                subject="Welkom", body_text="Hallo")
        db.session.add(message)
        db.session.commit()
        return message

    def job_for(self, user):
        from datetime import timedelta

        from oscart.jobs.models import DONE, Job

        job = Job(kind="certificates.zip", owner_id=user.id, company_id=user.company_id, params={"ids": []},
                  status=DONE, result=b"PK", result_name="certificates.zip", result_type="application/zip",
                  result_size=2, expires_at=utcnow() + timedelta(hours=1))
        db.session.add(job)
        db.session.commit()
        return job

    def privacy_request(self, key):
        from datetime import timedelta

        from oscart.privacy.models import PrivacyRequest

        request = PrivacyRequest(user_id=self.people[("member", key)].id, kind="rectify", motivation="Typo",
                                 due_at=utcnow() + timedelta(days=30))
        db.session.add(request)
        db.session.commit()
        return request

    def campaign(self):
        from oscart.privacy.models import Campaign

        campaign = Campaign(texts={"nl": {"subject": "Nieuws", "body": "Tekst"}})
        db.session.add(campaign)
        db.session.commit()
        return campaign

    def incident(self):
        from oscart.privacy.models import Incident

        incident = Incident(title="Lost laptop", occurred_at=utcnow(), categories=[], texts={"nl": "Tekst"})
        db.session.add(incident)
        db.session.commit()
        return incident

    def new_session(self, user):
        record = start_session(user, remember=False, ip="127.0.0.1", user_agent="matrix")
        db.session.commit()
        return record


def _tiny_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    return out.getvalue()


# URL variable name → function(world, side, role, home) returning the value to put in the URL.
ID_PROVIDERS = {
    "user_id": lambda world, side, role, home: world.people[("member", world.key(side, home))].id,
    "company_id": lambda world, side, role, home: world.companies[world.key(side, home)].id,
    "token": lambda world, side, role, home: "not-a-valid-token",
    # own: another session of the actor (a new one each time); other: a session of the other company.
    "user_session_id": lambda world, side, role, home: world.new_session(
        world.actor(role, home) if side == "own" and role != "anonymous"
        else world.people[(TRAINEE, world.key(side, home))]).id,
    "purpose": lambda world, side, role, home: "newsletter_invitations",
    # own: a message sent to the actor; other: one sent to a member of the other company.
    "message_id": lambda world, side, role, home: world.message_for(
        world.actor(role, home) if side == "own" and role != "anonymous"
        else world.people[("member", world.key(side, home))]).id,
    # own: a finished job of the actor; other: one of a member of the other company.
    "job_id": lambda world, side, role, home: world.job_for(
        world.actor(role, home) if side == "own" and role != "anonymous"
        else world.people[("member", world.key(side, home))]).id,
    "request_id": lambda world, side, role, home: world.privacy_request(world.key(side, home)).id,
    "campaign_id": lambda world, side, role, home: world.campaign().id,
    "incident_id": lambda world, side, role, home: world.incident().id,
    "session_id": lambda world, side, role, home: world.training_session(world.key(side, home)).id,
    "part_id": lambda world, side, role, home: world.started_part(world.key(side, home)).id,
    "certificate_id": lambda world, side, role, home: world.certificate(world.key(side, home)).id,
    "code": lambda world, side, role, home: world.certificate(world.key(side, home)).code,
    "course_id": lambda world, side, role, home: world.training(world.key(side, home))["course"].id,
    "lesson_id": lambda world, side, role, home: world.training(world.key(side, home))["lesson"].id,
    "image_id": lambda world, side, role, home: world.training(world.key(side, home))["image"].id,
    "media_id": lambda world, side, role, home: world.training(world.key(side, home))["media"].id,
    "question_id": lambda world, side, role, home: world.question_id(world.key(side, home)),
    "enrolment_id": lambda world, side, role, home: world.training(world.key(side, home))["enrolment"].id,
    "attempt_id": lambda world, side, role, home: world.training(world.key(side, home))["attempt"].id,
    "news_id": lambda world, side, role, home: world.training(world.key(side, home))["news"].id,
    "rule_id": lambda world, side, role, home: world.rule(world.key(side, home)).id,
    "invitation_id": lambda world, side, role, home: world.invitation(world.key(side, home)).id,
    # A new group or job role each time (one may have been deleted).
    "group_id": lambda world, side, role, home: world.group(world.key(side, home)).id,
    "job_role_id": lambda world, side, role, home: world.job_role(world.key(side, home)).id,
    "lang": lambda world, side, role, home: "nl",
    "import_id": lambda world, side, role, home: world.people_import(world.key(side, home)).id,
}

CASES = [("anonymous", "A"), (TRAINEE, "A"), (TRAINEE, "B"), (TRAINER, "A"), (COMPANY_ADMIN, "A"),
         (COMPANY_ADMIN, "B"), (PLATFORM_ADMIN, "A")]


def _client(app, world, role, home):
    client = app.test_client()
    actor = world.actor(role, home)
    if actor is not None:
        record = world.new_session(actor)
        with client.session_transaction() as session:
            session["_user_id"] = record.token
            session["_fresh"] = True
    return client


def _expected(rule, method, side, role):
    rows = ACCESS.get(f"{rule.endpoint} {rule.rule}") or ACCESS.get(rule.endpoint, {})
    if method not in rows:
        return None
    row = rows[method]
    return row[side][role] if "own" in row else row[role]


def _urls(rule, world, role, home):
    arguments = sorted(rule.arguments - set(rule.defaults or {}))
    missing = [name for name in arguments if name not in ID_PROVIDERS]
    if missing:
        raise AssertionError(f"{rule.rule}: add an id provider for {missing} in ID_PROVIDERS")
    for side in ("own", "other") if arguments else ("own",):
        values = {name: ID_PROVIDERS[name](world, side, role, home) for name in arguments}
        yield side, rule.build(values, append_unknown=False)[1]


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS),
                  key=lambda r: (r.rule, r.endpoint))


# Every upload route is posted for both sides: more than one person's shared upload budget (tests/test_uploads.py
# checks the budget itself).
@pytest.mark.config(RATELIMIT_UPLOAD="1000 per minute")
@pytest.mark.parametrize("role, home", CASES, ids=[f"{r}-{h}" for r, h in CASES])
def test_every_route_answers_each_role_as_declared(app, role, home):
    world = World()
    problems = []
    for rule in _rules(app):
        reader = _client(app, world, role, home)  # a fresh login: a POST before may have ended the last one
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for side, url in _urls(rule, world, role, home):
            for method in sorted(methods):
                expected = _expected(rule, method, side, role)
                if expected is None:
                    problems.append(f"{method} {rule.rule} ({rule.endpoint}) has no row in ACCESS")
                    continue
                status = reader.get(url).status_code if method == "GET" else _post(app, world, role, home, url)
                if status != expected:
                    problems.append(f"{method} {url} [{side}] as {role}: {status}, expected {expected}")
            if "GET" not in methods:
                status = reader.get(url).status_code
                if status != 405:
                    problems.append(f"GET {url} as {role}: {status}, expected 405")
    assert problems == [], "\n".join(problems)


def _post(app, world, role, home, url):
    client = _client(app, world, role, home)
    token = csrf_from(client.get("/privacy").text)
    return client.post(url, data={"csrf_token": token}).status_code


@pytest.mark.parametrize("role, home", [("anonymous", "A"), (TRAINEE, "A"), (PLATFORM_ADMIN, "A")])
def test_every_post_route_refuses_a_request_without_csrf_token(app, role, home):
    world = World()
    client = _client(app, world, role, home)
    problems = []
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        for _side, url in _urls(rule, world, role, home):
            status = client.post(url, data={}).status_code
            if status != 400:
                problems.append(f"POST {url} without CSRF token as {role}: {status}")
    assert problems == [], "\n".join(problems)


def test_the_table_names_only_existing_endpoints(app):
    keys = {rule.endpoint for rule in app.url_map.iter_rules()}
    keys |= {f"{rule.endpoint} {rule.rule}" for rule in app.url_map.iter_rules()}
    assert set(ACCESS) - keys == set()
