"""Readable names of audit actions; an action without a label is shown as its code."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Failed login attempt"),
    "login.locked": _l("Account locked after failed attempts"),
    "logout": _l("Logged out"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset"),
    "password.reset_requested": _l("Password reset requested"),
    "profile.updated": _l("Profile updated"),
    "user.created": _l("Account created"),
    "user.updated": _l("Account changed"),
    "user.role_changed": _l("Role changed"),
    "user.unlocked": _l("Account unlocked"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "company.created": _l("Company created"),
    "company.updated": _l("Company changed"),
    "two_step.enabled": _l("Two-step authentication turned on"),
    "two_step.disabled": _l("Two-step authentication turned off"),
    "two_step.failed": _l("Wrong two-step code"),
    "two_step.replay_refused": _l("Reused two-step code refused"),
    "two_step.recovery_code_used": _l("Recovery code used"),
    "two_step.recovery_codes_renewed": _l("New recovery codes made"),
    "two_step.renewed": _l("Two-step authentication set up again"),
    "two_step.reset": _l("Two-step authentication reset by an administrator"),
    "company.two_step_policy": _l("Two-step policy changed"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.accepted": _l("Invitation accepted"),
    "session.ended": _l("Session ended"),
    "session.ended_all_others": _l("Logged out everywhere else"),
    "photo.changed": _l("Photo changed"),
    "photo.removed": _l("Photo removed"),
    "audit.exported": _l("Audit trail exported"),
    "audit.purged": _l("Old audit events purged"),
}


def action_label(action):
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
