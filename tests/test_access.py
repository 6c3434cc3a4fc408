"""Who may open which page: parametrised across roles and two companies."""

import pytest

from oscart.companies import services as company_services
from oscart.core.exceptions import NotFound
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_company, make_user

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)

# path → roles that may open it
PAGES = {
    "/dashboard": {TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN},
    "/account/": {TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN},
    "/account/password": {TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN},
    "/company/": {COMPANY_ADMIN},
    "/company/employees": {COMPANY_ADMIN},
    "/admin/": {PLATFORM_ADMIN},
    "/admin/companies": {PLATFORM_ADMIN},
    "/admin/companies/new": {PLATFORM_ADMIN},
    "/admin/companies/{company_id}": {PLATFORM_ADMIN},
    "/admin/users": {PLATFORM_ADMIN},
    "/admin/users/new": {PLATFORM_ADMIN},
    "/admin/users/{user_id}": {PLATFORM_ADMIN},
}
PUBLIC = ("/", "/login", "/reset", "/privacy", "/healthz")


@pytest.fixture
def world():
    acme, globex = make_company(name="Acme Logistics"), make_company(name="Globex Foods")
    people = {
        TRAINEE: make_user(role=TRAINEE, company=acme),
        TRAINER: make_user(role=TRAINER),
        COMPANY_ADMIN: make_user(role=COMPANY_ADMIN, company=acme),
        PLATFORM_ADMIN: make_user(role=PLATFORM_ADMIN),
    }
    foreigner = make_user(role=TRAINEE, company=globex, first_name="Gustave", email="gustave@globex.example")
    return {"acme": acme, "globex": globex, "people": people, "foreigner": foreigner}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_page_access_by_role(browser, world, role, path):
    url = path.format(company_id=world["globex"].id, user_id=world["foreigner"].id)
    if role != ANONYMOUS:
        browser.login(world["people"][role].email)
    response = browser.get(url)
    if role == ANONYMOUS:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    elif role in PAGES[path]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "U hebt geen toestemming om deze pagina te openen." in response.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_open_for_everyone(browser, world, role, path):
    if role != ANONYMOUS:
        browser.login(world["people"][role].email)
    assert browser.get(path).status_code in (200, 302)


@pytest.mark.parametrize("role", [TRAINEE, TRAINER, COMPANY_ADMIN])
@pytest.mark.parametrize(("path", "data"), [
    ("/admin/companies/new", {"name": "Evil Corp", "default_language": "nl", "is_active": "y"}),
    ("/admin/users/new", {"email": "x@evil.example", "first_name": "X", "last_name": "Y", "role": PLATFORM_ADMIN,
                          "company_id": "0", "language": "nl"}),
    ("/admin/users/{user_id}/unlock", {}),
])
def test_admin_actions_are_refused_to_non_admins(browser, world, role, path, data):
    browser.login(world["people"][role].email)
    response = browser.submit(path.format(user_id=world["foreigner"].id), data)
    assert response.status_code == 403


def test_company_admin_lists_only_own_employees(browser, world):
    make_user(role=TRAINEE, company=world["acme"], first_name="Annelies")
    browser.login(world["people"][COMPANY_ADMIN].email)
    page = browser.get("/company/employees").text
    assert "Annelies" in page
    assert world["people"][TRAINEE].email in page
    assert "gustave@globex.example" not in page
    assert "gustave@globex.example" not in browser.get("/company/employees?q=gustave").text
    assert "Gustave" not in browser.get("/company/employees?q=globex").text


def test_company_admins_of_each_company_see_their_own_people(browser, world, app):
    globex_admin = make_user(role=COMPANY_ADMIN, company=world["globex"])
    browser.login(globex_admin.email)
    page = browser.get("/company/employees").text
    assert "gustave@globex.example" in page
    assert world["people"][TRAINEE].email not in page
    assert "Globex Foods" in browser.get("/company/").text


def test_foreign_employee_id_is_not_found_like_a_missing_one(world):
    admin = world["people"][COMPANY_ADMIN]
    with pytest.raises(NotFound):
        company_services.get_employee(admin, world["foreigner"].id)
    with pytest.raises(NotFound):
        company_services.get_employee(admin, 999_999)
    assert company_services.get_employee(admin, world["people"][TRAINEE].id).id == world["people"][TRAINEE].id


def test_missing_admin_records_answer_404(browser, world):
    browser.login(world["people"][PLATFORM_ADMIN].email)
    assert browser.get("/admin/users/999999").status_code == 404
    assert browser.get("/admin/companies/999999").status_code == 404


@pytest.mark.parametrize(("role", "items", "absent"), [
    (TRAINEE, ["Overzicht", "Mijn account", "Afmelden"], ["Beheer", "Medewerkers"]),
    (COMPANY_ADMIN, ["Mijn bedrijf", "Medewerkers"], ["Beheer", "Gebruikers"]),
    (PLATFORM_ADMIN, ["Beheer", "Bedrijven", "Gebruikers"], ["Medewerkers"]),
])
def test_navigation_fits_the_role(browser, world, role, items, absent):
    browser.login(world["people"][role].email)
    nav = browser.get("/account/").text.split("<nav")[1].split("</nav>")[0]
    for item in items:
        assert item in nav
    for item in absent:
        assert item not in nav
