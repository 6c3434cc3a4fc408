"""A French-speaking trainee downloads the data archive, withdraws the newsletter consent and asks for
erasure; a platform admin grants it."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.privacy import policy
from tests.factories import PASSWORD, give_consent, make_company, make_user


def _login(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#email) button[type=submit]").click()


def test_trainee_exercises_privacy_rights_in_french(page, new_page, screenshot):
    trainee = make_user(company=make_company(name="Globex Foods"), first_name="Bruno", last_name="Martin",
                        email="bruno@globex.example", language="fr")
    give_consent(trainee, policy.NEWSLETTER)
    admin = make_user(role=PLATFORM_ADMIN, first_name="Olivia", language="fr")

    _login(page, trainee.email)
    page.get_by_role("link", name="Déclaration de confidentialité").click()
    expect(page.get_by_role("heading", name="Combien de temps nous les conservons")).to_be_visible()
    screenshot(page, "privacy-fr-0-statement")
    page.locator(".nav-account summary").click()  # the account menu holds the personal pages and "Log out"
    page.get_by_role("link", name="Ma vie privée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma vie privée")
    expect(page.get_by_text("Donné le")).to_be_visible()
    screenshot(page, "privacy-fr-1-my-privacy")

    page.get_by_role("link", name="Télécharger mes données").click()
    page.get_by_label("Mot de passe").fill(PASSWORD)
    screenshot(page, "privacy-fr-2-reauthenticate")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger mes données").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    data = json.loads(archive.read("data.json"))["data"]
    assert data["profile"]["email"] == trainee.email
    assert "Vos données personnelles chez Oscart" in archive.read("summary.html").decode()

    page.goto("/privacy/me")
    page.get_by_role("button", name=re.compile("^Retirer le consentement : Envoyer des lettres")).click()
    expect(page.get_by_role("status").first).to_contain_text("Votre consentement a été retiré.")
    expect(page.get_by_text("Retiré le")).to_be_visible()
    screenshot(page, "privacy-fr-3-consent-withdrawn")

    page.get_by_role("link", name="Introduire une demande").click()
    page.get_by_label("Que demandez-vous ?").select_option(label="Effacer mes données")
    page.get_by_label("Pourquoi ? Expliquez votre demande").fill("Je quitte l'entreprise ; effacez mes données.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("status").first).to_contain_text("Votre demande a été envoyée.")
    expect(page.get_by_text(re.compile("En cours, réponse au plus tard le"))).to_be_visible()
    screenshot(page, "privacy-fr-4-request-filed")

    admin_page = new_page(locale="fr-BE", viewport={"width": 1280, "height": 900})
    _login(admin_page, admin.email)
    admin_page.goto("/admin/privacy/")
    expect(admin_page.get_by_text(re.compile(r"encore (29|30) jours"))).to_be_visible()
    screenshot(admin_page, "privacy-fr-5-admin-queue")
    admin_page.get_by_role("link", name="Martin, Bruno").click()
    reason = "Votre demande est fondée ; vos données sont effacées."
    admin_page.get_by_label("Motif (envoyé à la personne)").fill(reason)
    screenshot(admin_page, "privacy-fr-6-admin-decide")
    admin_page.get_by_role("button", name="Accorder").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("La décision a été enregistrée")
    expect(admin_page.get_by_text("Aucune demande en cours.")).to_be_visible()
    screenshot(admin_page, "privacy-fr-7-admin-granted")

    db.session.expire_all()
    page.goto("/privacy/me")
    expect(page).to_have_url(re.compile(r"/login"))
    _login(page, "bruno@globex.example")
    expect(page).to_have_url(re.compile(r"/login"))
