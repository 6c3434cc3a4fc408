"""Every issued certificate is announced to its holder by mail, in their language, with a link to download it."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.mail.services import deliver_pending
from tests.factories import make_certificate, make_company, make_course, make_user
from tests.helpers import Browser, mail_link

TITLES = {"nl": "Eerste hulp", "fr": "Premiers secours", "de": "Erste Hilfe", "en": "First aid"}


def _certificate(**where):
    return db.session.scalar(select(Certificate).filter_by(**where))


def _text(mail):
    return mail.get_body(("plain",)).get_content()


def _downloads_the_pdf(app, holder, link, certificate):
    browser = Browser(app.test_client())
    browser.login(holder.email)
    assert link == f"{app.config['PUBLIC_BASE_URL']}/certificates/{certificate.id}/download"
    response = browser.get(link.removeprefix(app.config["PUBLIC_BASE_URL"]))
    assert response.status_code == 200 and response.data == certificate.pdf


@pytest.mark.parametrize(("language", "subject", "sentence"), [
    ("nl", "Uw certificaat is uitgereikt", 'Uw certificaat voor "Eerste hulp" is uitgereikt. Het is geldig tot'),
    ("fr", "Votre certificat a été délivré", "Votre certificat pour « Premiers secours » a été délivré. Il est "
                                             "valable jusqu'au"),
])
def test_completing_a_course_mails_the_certificate_in_the_holders_language(app, outbox, language, subject,
                                                                           sentence):
    holder = make_user(company=make_company(), language=language, first_name="Kim")
    certificate = make_certificate(holder, make_course(titles=TITLES, validity_months=24))
    deliver_pending()
    [mail] = outbox
    assert (mail["To"], mail["Subject"]) == (holder.email, subject)
    assert sentence in _text(mail)
    assert f'lang="{language}"' in mail.get_body(("html",)).get_content()
    _downloads_the_pdf(app, holder, mail_link(mail), certificate)


@pytest.mark.parametrize(("language", "subject", "replaces"), [
    ("nl", "Uw certificaat is uitgereikt", "Het vervangt certificaat {code}, dat niet langer geldig is."),
    ("fr", "Votre certificat a été délivré", "Il remplace le certificat {code}, qui n'est plus valable."),
])
def test_certificates_issued_and_reissued_by_an_admin_are_mailed_too(app, browser, outbox, language, subject,
                                                                     replaces):
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    holder = make_user(company=make_company(), language=language)
    browser.login(admin.email)
    data = {"email": holder.email, "course": make_course(titles=TITLES).id, "completed_on": "2026-02-03",
            "reason": "Training given on site"}
    assert browser.submit("/certificates/manage/issue", data, form_page="/certificates/manage/issue") \
        .status_code == 302
    first = _certificate(reissue_of_id=None)
    url = f"/certificates/manage/{first.id}"
    assert browser.submit(f"{url}/reissue", {"reissue-reason": "Name corrected"}, form_page=url).status_code == 302
    second = _certificate(reissue_of_id=first.id)
    assert [(mail["To"], mail["Subject"]) for mail in outbox] == [(holder.email, subject)] * 2
    assert replaces.format(code=first.code) not in _text(outbox[0])
    assert replaces.format(code=first.code) in _text(outbox[1])
    _downloads_the_pdf(app, holder, mail_link(outbox[1]), second)


@pytest.mark.parametrize("flag", ["is_restricted", "is_active"])
def test_people_who_may_not_be_mailed_get_no_notice(outbox, flag):
    holder = make_user(company=make_company(), **{flag: flag == "is_restricted"})
    make_certificate(holder, make_course(), completed_at=datetime.now(UTC))
    deliver_pending()
    assert db.session.scalar(select(Certificate.id)) is not None and outbox == []
