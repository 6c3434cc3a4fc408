"""Demo data of the company workspace: invitations of Acme Logistics waiting for an answer, one of them expired.

No mail goes out and nobody can accept them (the links' tokens are random and never shown): they are there to
be seen, sent again or withdrawn on the invitations page. Get-or-create, so seeding twice changes nothing.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select

from oscart.companies.models import Invitation
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import token_digest

# (address, language, days ago the invitation was sent); invitations are valid 14 days, so 20 days ago: expired.
INVITATIONS = (
    ("jan.desmet@acme.example", "nl", 2),
    ("marie.lambert@acme.example", "fr", 5),
    ("kurt.becker@acme.example", "de", 20),
)


def seed(demo):
    acme, hr = demo.companies["Acme Logistics"], demo.user("hr@acme.example")
    known = set(db.session.scalars(select(Invitation.email).where(Invitation.company_id == acme.id)))
    now = utcnow()
    for email, language, days_ago in INVITATIONS:
        if email in known:
            continue
        sent_at = now - timedelta(days=days_ago)
        db.session.add(Invitation(company_id=acme.id, email=email, language=language, invited_by_id=hr.id,
                                  created_at=sent_at, expires_at=sent_at + timedelta(days=14),
                                  token_hash=token_digest(secrets.token_urlsafe(32))))
    db.session.flush()
