"""Nothing scrolls sideways on a 360 px phone: every page of every demo role, and every public page.

The pages come from the URL map, not from a hand-kept list: each GET rule is opened by each role, with its
arguments filled from the demo data; what answers 200 is that role's page and is measured. Every rule must be
a page of someone, so a new page is measured as soon as it exists. Screenshots land in
test-artifacts/narrow-<language>-<role>-<page>.png.
"""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from oscart.accounts.models import User
from oscart.assignments.models import TrainingRule
from oscart.auth.reset import make_reset_token
from oscart.certificates.bulk import ZIP
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance, SessionPart
from oscart.companies.models import Group, Invitation, JobRole
from oscart.core.database import utcnow
from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, token_digest
from oscart.jobs.models import RUNNING, Job
from oscart.mail.models import OutboxMessage
from oscart.privacy import policy
from oscart.privacy.marketing import unsubscribe_token
from oscart.privacy.models import Campaign, Incident, PrivacyRequest
from oscart.training.models import CompanyNews, Enrolment, Lesson
from oscart.training.quiz_models import Question, Quiz
from oscart.workspace.import_models import PeopleImport
from tests.browser.conftest import ARTIFACTS

PHONE = {"width": 360, "height": 740}
ROLES = ("admin@oscart.example", "trainer@oscart.example", "hr@acme.example", "hr@globex.example",
         "anna@acme.example")
# GET rules that answer with a file or JSON rather than a page, or that lead to a part of another page.
NOT_PAGES = {"static", "main.healthz", "main.readyz", "metrics", "accounts.photo_image", "training.image",
             "training.media",
             "certificates.download",
             "certificates.company_list", "certificates.company_pdf", "certificates.company_zip",
             "certificates.manage_list", "classroom.signin_sheet", "classroom.session_csv",
             "classroom.attendance_csv", "companies.training_matrix_csv", "audit.export", "reports.export",
             "people_import.sample", "classroom.session_ics", "classroom.calendar_feed",
             "jobs.download", "training.manage.texts"}
# Rules whose argument "token" is a token of its own kind.
TOKENS = {"privacy.unsubscribe": "unsubscribe_token", "auth.reset_password": "reset_token",
          "companies.accept_invitation": "invitation_token"}
# Rules whose argument names an object of a particular kind: {endpoint: {argument: key in demo_values}}.
OWN_ARGUMENTS = {"certificates.earned": {"course_id": "certified_course_id"}}  # a course Anna has a certificate of

# Everything that makes the page wider than the screen, as readable findings. A scroll container is allowed
# only for a genuine grid (class "table-grid"); html and body may not hide the overflow instead.
MEASURE = """() => {
  const width = window.innerWidth, found = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const html = document.documentElement, body = document.body;
  if (html.scrollWidth > width) found.push(`page is ${html.scrollWidth}px wide`);
  else if (body.scrollWidth > body.clientWidth) found.push(`body is ${body.scrollWidth}px wide`);
  for (const el of [html, body]) {
    const overflow = getComputedStyle(el).overflowX;
    if (overflow === 'hidden' || overflow === 'clip') found.push(`${name(el)} hides overflow`);
  }
  const unlabelled = document.querySelectorAll('.table-cards td:not([data-label]):not([colspan])').length;
  if (unlabelled) found.push(`${unlabelled} cells of a card table without data-label`);
  const wide = [];
  for (const el of body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
        && !el.closest('.table-grid')) found.push(`${name(el)} scrolls sideways`);
    if (el.getBoundingClientRect().right > width + 0.5 && style.position !== 'fixed') wide.push(el);
  }
  // Name the innermost elements that stick out: they are the ones to fix.
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  if (found.length) found.push(...innermost.slice(0, 3).map((el) => `${name(el)} sticks out`));
  return found;
}"""


def test_no_page_of_any_role_scrolls_sideways_on_a_360px_phone(chromium, live_server, language):
    seed_demo()
    db.session.execute(update(User).values(language=language))
    db.session.commit()
    rules = page_rules()
    checker = Checker(language)
    for email in (None, *ROLES):
        context = chromium.new_context(base_url=live_server, locale=f"{language}-BE", viewport=PHONE)
        context.set_default_timeout(10_000)
        walk(context.new_page(), email, rules, checker)
        context.close()
    checker.write_list()

    assert not checker.failures, "Sideways scrolling at 360 px:\n" + "\n".join(checker.failures)
    assert not checker.errors, "Pages that failed:\n" + "\n".join(checker.errors)
    assert {rule.rule for rule in rules} <= checker.reached, (
        "Rules no role reached (fill their arguments or list them as not pages): "
        f"{sorted({rule.rule for rule in rules} - checker.reached)}")


def walk(page, email, rules, checker):
    """Every rule as this role (None: nobody logged in), plus the pages that only a form leads to."""
    if email == "hr@globex.example":
        log_in_enrolling_in_two_step(page, email, checker)
    elif email:
        log_in(page, email)
    values = demo_values(email)
    for rule in rules:
        arguments = {**values, "token": values[TOKENS[rule.endpoint]]} if rule.endpoint in TOKENS else values
        arguments = {**arguments, **{name: values[key] for name, key in OWN_ARGUMENTS.get(rule.endpoint, {}).items()}}
        if rule.arguments - set(rule.defaults or {}) <= arguments.keys():
            checker.visit(page, email, rule.rule, rule.build(arguments, append_unknown=False)[1])
    if email == "trainer@oscart.example":
        open_two_step_setup(page, checker)
    if email is None:
        log_in(page, "sofie@acme.example", expect_url=r"/login/two-step$")
        checker.check(page, None, "/login/two-step")


@pytest.fixture(params=["de", "fr"])
def language(request):
    """German and French have the longest words and labels of the four languages."""
    return request.param


class Checker:
    def __init__(self, language):
        self.language = language
        self.failures, self.errors, self.reached, self.pages = [], [], set(), {}
        ARTIFACTS.mkdir(exist_ok=True)

    def write_list(self):
        lines = [f"{role}: {len(paths)} pages\n" + "".join(f"  {path}\n" for path in paths)
                 for role, paths in self.pages.items()]
        (ARTIFACTS / f"narrow-{self.language}-pages.txt").write_text("".join(lines))

    def visit(self, page, email, rule, path):
        """Measure the page if this role gets it: asked first without rendering, as most rules are not its."""
        response = page.request.get(path, max_redirects=0)
        if response.status >= 500:
            self.errors.append(f"{role_of(email)} {path}: {response.status}")
        elif response.status == 200 and not response.headers["content-type"].startswith("text/html"):
            self.errors.append(f"{path} answers {response.headers['content-type']}: list it in NOT_PAGES")
        elif response.status == 200:
            page.goto(path)
            self.check(page, email, rule)

    def check(self, page, email, rule):
        path = urlsplit(page.url).path
        self.reached.add(rule)
        self.pages.setdefault(role_of(email), []).append(path)
        if findings := page.evaluate(MEASURE):
            self.failures.append(f"{role_of(email)} {path}: {'; '.join(findings)}")
        slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"\1", rule).lower()).strip("-") or "home"
        page.screenshot(path=str(ARTIFACTS / f"narrow-{self.language}-{role_of(email)}-{slug}.png"), full_page=True)


def role_of(email):
    return email.replace("@", "-").removesuffix(".example") if email else "anonymous"


def page_rules():
    return [rule for rule in current_app.url_map.iter_rules()
            if "GET" in rule.methods and rule.endpoint not in NOT_PAGES]


def log_in(page, email, expect_url=r"/(dashboard|admin/|company/|classroom/teach)$"):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).to_have_url(re.compile(expect_url))


def log_in_enrolling_in_two_step(page, email, checker):
    """Globex asks its admins for two-step login: the first login passes through enrolment."""
    log_in(page, email, expect_url=r"/login/two-step/setup$")
    checker.check(page, email, "/login/two-step/setup")
    secret = page.locator("#two-step-secret").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("form:has(#code) button[type=submit]").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    checker.check(page, email, "recovery codes")
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/company/$"))


def open_two_step_setup(page, checker):
    """The two-step set-up page of the account follows the password page."""
    page.goto("/account/security/two-step/enable")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/account/security/two-step/setup$"))
    checker.check(page, "trainer@oscart.example", "/account/security/two-step/setup")


def demo_values(email):
    """URL arguments from the demo data: the richest object of each kind, the user's own where pages are."""
    anna = db.session.scalar(select(User).where(User.email == "anna@acme.example"))
    quiz = db.session.scalar(select(Quiz).order_by(Quiz.id))
    part_id = db.session.scalar(select(Attendance.part_id).group_by(Attendance.part_id)
                                .order_by(func.count().desc(), Attendance.part_id))
    values = {
        "user_id": anna.id,
        "company_id": anna.company_id,
        "course_id": quiz.course_id,
        "lesson_id": db.session.scalar(select(Lesson.id).where(Lesson.course_id == quiz.course_id)
                                       .order_by(Lesson.position)),
        "lang": "fr",
        "part_id": part_id,
        "session_id": db.session.get(SessionPart, part_id).session_id,
        "certificate_id": db.session.scalar(select(Certificate.id).order_by(Certificate.id)),
        "code": db.session.scalar(select(Certificate.code).where(Certificate.user_id == anna.id)),
        "certified_course_id": db.session.scalar(select(Certificate.course_id).where(Certificate.user_id == anna.id)
                                                 .order_by(Certificate.id)),
        "news_id": db.session.scalar(select(CompanyNews.id).order_by(CompanyNews.id)),
        "campaign_id": db.session.scalar(select(Campaign.id).order_by(Campaign.id)),
        "incident_id": db.session.scalar(select(Incident.id).order_by(Incident.id)),
        "request_id": db.session.scalar(select(PrivacyRequest.id).order_by(PrivacyRequest.id)),
        "question_id": db.session.scalar(select(Question.id).where(Question.quiz_id == quiz.id)
                                         .order_by((Question.kind == "multiple").desc(), Question.position)),
    }
    user = db.session.scalar(select(User).where(User.email == email)) if email else anna
    message_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.user_id == user.id))
    values |= {
        "message_id": message_id,
        "attempt_id": open_attempt(anna, quiz) if email == "anna@acme.example" else None,
        "unsubscribe_token": unsubscribe_token(anna, policy.NEWSLETTER),
        "reset_token": make_reset_token(anna),
        "invitation_token": invitation_token(anna.company_id),
        "invitation_id": db.session.scalar(select(Invitation.id).where(Invitation.company_id == anna.company_id,
                                                                       Invitation.accepted_at.is_(None),
                                                                       Invitation.revoked_at.is_(None))
                                           .order_by(Invitation.id)),
        **workspace_values(user, anna.company_id),
    }
    return {key: value for key, value in values.items() if value is not None}


def workspace_values(user, company_id):
    """A group, job role and rule of Acme, and a people import of the company admin: Acme's admin has one waiting
    for its columns and preview, Globex's admin one done (its result page)."""
    values = {"group_id": db.session.scalar(select(Group.id).where(Group.company_id == company_id).order_by(Group.id)),
              "job_role_id": db.session.scalar(select(JobRole.id).where(JobRole.company_id == company_id)),
              "rule_id": db.session.scalar(select(TrainingRule.id).where(TrainingRule.company_id == company_id)
                                           .order_by(TrainingRule.id))}
    if user.role == COMPANY_ADMIN:
        done = user.company_id != company_id
        upload = PeopleImport(company_id=user.company_id, admin_id=user.id, filename="people.csv",
                              header=["E-mailadres"], rows=[["nieuw@acme.example"]], mapping={"email": 0},
                              completed_at=utcnow() if done else None,
                              result={"new": 1, "updated": 0, "unchanged": 0, "refused": 0, "invited": 1})
        # A ZIP of the company's certificates halfway: its page shows the progress and refreshes itself.
        job = Job(kind=ZIP, owner_id=user.id, company_id=user.company_id, status=RUNNING, progress=120, total=400,
                  expires_at=utcnow() + timedelta(days=1))
        db.session.add_all([upload, job])
        db.session.commit()
        values |= {"import_id": upload.id, "job_id": job.id}
    return values


def invitation_token(company_id):
    """A new open invitation of the company, with a long address as real ones can be; its link opens the
    accept page, and the company's pending list shows it."""
    token = secrets.token_urlsafe(32)
    count = db.session.scalar(select(func.count(Invitation.id)))
    email = f"evelyne.vandenbroucke-desmet.{count}@acme-logistics.example"
    db.session.add(Invitation(company_id=company_id, email=email, language="fr",
                              expires_at=utcnow() + timedelta(days=14), token_hash=token_digest(token)))
    db.session.commit()
    return token


def open_attempt(user, quiz):
    from tests.factories import make_attempt

    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == quiz.course_id))
    return make_attempt(enrolment, language=user.language).id
