"""The main navigation: a few primary links per role, the rest under "More", personal pages in the account menu.

Which links a role gets depends on its permissions alone, so each role's menu is built once per language (and
script root) and reused; the template only marks the current page.
"""

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from oscart.i18n import current_translations
from oscart.security import PERMISSIONS, TRAINEE, TRAINER

_menus = {}


def navigation(role):
    """{"primary": [(href, text)], "more": [...], "account": [...]} for ``role`` in the current language."""
    key = (role, current_translations()[0], request.script_root)
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = {part: [(url_for(endpoint), str(text)) for endpoint, text in links]
                              for part, links in _links(role).items()}
    return menu


def _links(role):
    def allowed(action):
        return action in PERMISSIONS.get(role, ())

    platform, manager = allowed("platform.manage"), allowed("company.manage")
    primary, more, account = [], [], []
    if role == TRAINER:  # a trainer's home: the session running now and the next ones
        primary.append(("classroom.teach", _l("Sessions")))
    if role in (TRAINEE, TRAINER):
        primary.append(("main.dashboard", _l("Dashboard")))
    if platform:
        primary += [("admin.index", _l("Administration")), ("admin.companies", _l("Companies")),
                    ("admin.users", _l("Users"))]
    elif manager:
        primary += [("companies.index", _l("My company")), ("companies.employees", _l("Employees"))]
    primary.append(("training.catalogue", _l("Courses")))
    if role == TRAINEE:
        primary.append(("classroom.mine", _l("My sessions")))
    if allowed("classroom.teach") and not platform and role != TRAINER:
        primary.append(("classroom.teach", _l("Sessions")))
    elif manager:
        primary.append(("classroom.index", _l("Sessions")))
    if role == TRAINEE:
        primary.append(("certificates.mine", _l("My certificates")))

    if platform and allowed("classroom.teach"):
        more.append(("classroom.teach", _l("Sessions")))
    if manager:
        more += [("workspace.groups_page", _l("Groups")), ("workspace.roles_page", _l("Job roles"))]
        more += [("companies.training_matrix", _l("Training matrix")), ("classroom.attendance_list", _l("Attendance")),
                 ("certificates.company", _l("Certificates"))]
        more.append(("reports.dashboard", _l("Reports")))
        more.append(("workspace.logo", _l("Company logo")))
    if allowed("certificates.manage"):
        more.append(("certificates.manage", _l("Certificates")))
    if allowed("company.author"):
        more += [("training.company.assign", _l("Assign courses")), ("training.company.news_list", _l("News"))]
    if manager:
        more.append(("assignments.index", _l("Required training")))
    if allowed("training.author") or allowed("company.author"):
        more.append(("training.manage.courses", _l("Course authoring")))
    if allowed("audit.view"):
        more.append(("audit.index", _l("Audit trail")))
    if allowed("privacy.decide"):
        more.append(("privacy_admin.queue", _l("Privacy")))

    if role == TRAINER:
        account.append(("certificates.mine", _l("My certificates")))
    account += [("accounts.profile", _l("My account")), ("reminders.settings", _l("Reminders")),
                ("privacy.me", _l("My privacy"))]
    return {"primary": primary, "more": more, "account": account}
