"""Invitations in the privacy registry: an erased person's invitations (sent to the address, or accepted) go."""

from sqlalchemy import delete, or_

from oscart.companies.models import Invitation
from oscart.core.extensions import db
from oscart.core.personal_data import eraser


@eraser("invitations")
def erase_invitations(user, *, legal_hold):
    # An invitation is no training record: nothing of it is kept, with or without a legal hold.
    return db.session.execute(delete(Invitation).where(
        or_(Invitation.accepted_user_id == user.id, Invitation.email == user.email))).rowcount
