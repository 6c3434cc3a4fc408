"""Privacy demo data: consents, requests, a newsletter, an incident notice. Safe to run again."""

from datetime import timedelta

from sqlalchemy import select

from oscart.core import personal_data as registry
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.privacy import campaigns, incidents, policy, statement
from oscart.privacy.consents import record_consent
from oscart.privacy.models import (
    ERASE,
    GRANTED,
    RESTRICT,
    Campaign,
    Incident,
    PrivacyRequest,
)

SUMMARIES = {
    "nl": "Eerste versie van de privacyverklaring in het portaal.",
    "fr": "Première version de la déclaration de confidentialité dans le portail.",
    "de": "Erste Fassung der Datenschutzerklärung im Portal.",
    "en": "First version of the privacy statement in the portal.",
}
NEWSLETTER = {
    "nl": {"subject": "Nieuw in het voorjaar: EHBO op de werkvloer",
           "body": "Ontdek onze nieuwe opleiding eerste hulp, in het Nederlands en Frans."},
    "fr": {"subject": "Nouveau ce printemps : premiers secours au travail",
           "body": "Découvrez notre nouvelle formation premiers secours, en néerlandais et en français."},
    "en": {"subject": "New this spring: first aid at work",
           "body": "Discover our new first-aid course, in Dutch and French."},
}
INCIDENT = {
    "nl": "Een lijst met namen en e-mailadressen werd per vergissing naar een verkeerde klant gestuurd. "
          "De ontvanger heeft ze gewist. U hoeft niets te doen.",
    "fr": "Une liste de noms et d'adresses e-mail a été envoyée par erreur à un mauvais client. "
          "Le destinataire l'a effacée. Vous n'avez rien à faire.",
    "de": "Eine Liste mit Namen und E-Mail-Adressen wurde versehentlich an einen falschen Kunden gesendet. "
          "Der Empfänger hat sie gelöscht. Sie müssen nichts tun.",
    "en": "A list of names and e-mail addresses was sent to the wrong customer by mistake. "
          "The recipient deleted it. You do not need to do anything.",
}


def seed(demo):
    admin = demo.user("admin@oscart.example")
    if statement.current_version() is None:
        version = statement.publish_version(actor=admin, summaries=SUMMARIES)
        version.published_at = utcnow() - timedelta(days=400)
    if db.session.scalar(select(PrivacyRequest.id).limit(1)) is not None:
        return  # privacy demo data already there
    anna, bruno, claire = (demo.user(e) for e in ("anna@acme.example", "bruno@globex.example",
                                                  "claire@globex.example"))
    for user in (anna, bruno, claire):
        record_consent(user, policy.NEWSLETTER, True, actor=user, ip="192.0.2.10")
    record_consent(bruno, policy.OFFERS, True, actor=bruno, ip="192.0.2.11")
    record_consent(bruno, policy.OFFERS, False, actor=bruno, ip="192.0.2.11")
    now = utcnow()
    db.session.add(PrivacyRequest(user_id=demo.user("pieter@acme.example").id, kind=ERASE,
                                  motivation="Ik werk niet meer bij Acme en wil dat mijn gegevens gewist worden.",
                                  created_at=now - timedelta(days=27), due_at=now + timedelta(days=3)))
    jonas = demo.user("jonas@globex.example")
    db.session.add(PrivacyRequest(user_id=jonas.id, kind=RESTRICT, status=GRANTED,
                                  motivation="Bitte verarbeiten Sie meine Daten nicht, solange ich sie prüfe.",
                                  created_at=now - timedelta(days=20), due_at=now + timedelta(days=10),
                                  decided_by_id=admin.id, decided_at=now - timedelta(days=18),
                                  decision_reason="Die Verarbeitung ist eingeschränkt, bis Ihre Prüfung endet."))
    jonas.is_restricted = True
    _newsletter(admin)
    _incident(demo, admin)
    db.session.flush()


def _newsletter(admin):
    if db.session.scalar(select(Campaign.id).limit(1)) is None:
        campaign = campaigns.save_campaign(None, actor=admin, kind="newsletter", texts=NEWSLETTER)
        campaigns.send_campaign(campaign, actor=admin)


def _incident(demo, admin):
    if db.session.scalar(select(Incident.id).limit(1)) is not None:
        return
    incident = incidents.record_incident(
        actor=admin, title="Deelnemerslijst naar verkeerde klant gemaild", occurred_at=utcnow() - timedelta(days=5),
        categories=["profile"], texts={code: INCIDENT.get(code, INCIDENT["en"]) for code in LANGUAGES},
        company_ids=[], user_ids=[demo.user("sofie@acme.example").id, demo.user("claire@globex.example").id])
    labels = {category.key: category.label for category in registry.categories()}
    incidents.notify_incident(incident, actor=admin, category_labels=labels)
