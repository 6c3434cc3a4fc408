"""The privacy policy as configuration: one source for the statement page and for the code that applies it.

The statement at /privacy is rendered from these objects; consent checks read ``CONSENT_PURPOSES`` and the
retention purge reads ``RETENTION``. Change a period here and both the page and the purge follow.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

CONTROLLER = {
    "name": "Oscart Group NV",
    "address": "Politieke Gevangenenstraat 28, 8530 Harelbeke",
    "authority": "Gegevensbeschermingsautoriteit / Autorité de protection des données, Drukpersstraat 35, 1000 Brussel",
}

# Legal grounds (GDPR art. 6).
AGREEMENT = "agreement"
CONSENT = "consent"
LEGITIMATE_INTEREST = "legitimate_interest"
LEGAL_OBLIGATION = "legal_obligation"
GROUND_LABELS = {
    AGREEMENT: _l("Agreement"),
    CONSENT: _l("Consent"),
    LEGITIMATE_INTEREST: _l("Legitimate interest"),
    LEGAL_OBLIGATION: _l("Legal obligation"),
}

# Purposes that need the user's consent; these names are stored in Consent.purpose.
NEWSLETTER = "newsletter_invitations"
OFFERS = "offers_after_visit"
REMEMBER_ME = "remember_me"
TWO_STEP = "two_step"
MARKETING_PURPOSES = (NEWSLETTER, OFFERS)


@dataclass(frozen=True)
class Purpose:
    key: str
    label: object
    ground: str
    # For consent purposes: the question asked in plain words, and whether the privacy page offers "give".
    question: object = None
    grantable_on_page: bool = False

    @property
    def ground_label(self):
        return GROUND_LABELS[self.ground]


PURPOSES = (
    Purpose("login", _l("Logging you in to the portal"), AGREEMENT),
    Purpose("content", _l("Showing the training and content of your company"), AGREEMENT),
    Purpose("training", _l("Providing training and certificates"), AGREEMENT),
    Purpose("rights", _l("Determining what you are allowed to do in the portal"), AGREEMENT),
    Purpose("training_record", _l("Keeping a record of who followed which training"), LEGITIMATE_INTEREST),
    Purpose("lockout", _l("Locking an account for a while after repeated failed logins"), LEGITIMATE_INTEREST),
    Purpose("audit", _l("Recording actions taken on a company account, to trace unwanted actions"),
            LEGITIMATE_INTEREST),
    Purpose("language", _l("Communicating in your language"), LEGITIMATE_INTEREST),
    Purpose("contact", _l("Personal contact by e-mail about your account and training"), LEGITIMATE_INTEREST),
    Purpose("reset", _l("Sending a new-password link when you ask for one"), CONSENT),
    Purpose(TWO_STEP, _l("Extra security for your account with two-step authentication"), CONSENT,
            question=_l("Use a code from an app on your phone as a second step when you log in.")),
    Purpose(REMEMBER_ME, _l("Recognising you faster on a device you chose (remember me)"), CONSENT,
            question=_l("Keep me logged in on a device when I tick \"remember me\" at login.")),
    Purpose(NEWSLETTER, _l("Sending newsletters and invitations about our training"), CONSENT,
            question=_l("Send me newsletters and invitations to events and new training by e-mail."),
            grantable_on_page=True),
    Purpose(OFFERS, _l("Sending an offer after a recent visit to a course"), CONSENT,
            question=_l("Send me one offer by e-mail when I looked at a course but did not enrol."),
            grantable_on_page=True),
)
PURPOSES_BY_KEY = {purpose.key: purpose for purpose in PURPOSES}
# Purposes whose consent is recorded in the Consent table (the reset link is asked for each time).
CONSENT_PURPOSES = (NEWSLETTER, OFFERS, REMEMBER_ME, TWO_STEP)

# Kinds of processors (external service providers), each bound by a processing agreement.
PROCESSORS = (
    ("cloud", _l("Cloud hosting of the portal and its database")),
    ("mail", _l("Mail delivery of the portal's messages, newsletters and invitations")),
    ("infrastructure", _l("IT infrastructure and network management")),
    ("administration", _l("Financial administration")),
    ("government", _l("Government services, when the law requires it")),
    ("training_partners", _l("External training partners, for courses they teach with us")),
)


@dataclass(frozen=True)
class Retention:
    key: str
    label: object
    period: timedelta
    what_happens: object


# Days between the warning mail and the anonymisation of an inactive account.
INACTIVE_WARNING_DAYS = 30

# Retention periods per data category; `flask privacy purge` applies exactly these.
RETENTION = (
    Retention("failed_logins", _l("Records of failed logins"), timedelta(days=90), _l("deleted")),
    Retention("ip_addresses", _l("IP addresses of logins, sessions and actions"), timedelta(days=180),
              _l("removed from the records")),
    Retention("audit_events", _l("Record of actions taken on accounts"), timedelta(days=2 * 365), _l("deleted")),
    Retention("mail_bodies", _l("Contents of e-mails sent to you"), timedelta(days=90),
              _l("contents removed; date and subject kept")),
    Retention("inactive_accounts", _l("Accounts without a login"), timedelta(days=3 * 365),
              lazy_ngettext("anonymised, after a warning by e-mail %(num)s day before",
                            "anonymised, after a warning by e-mail %(num)s days before", INACTIVE_WARNING_DAYS)),
    Retention("anonymised_records", _l("Anonymised training records kept for statistics"),
              timedelta(days=5 * 365), _l("deleted")),
)
# Days a data-subject request may take before the legal deadline (one month).
REQUEST_DEADLINE_DAYS = 30


def retention(key):
    """The retention rule of a data category (looked up each time, so the page and the purge agree)."""
    return next(item for item in RETENTION if item.key == key)


def retention_days(key):
    return retention(key).period.days


def fingerprint():
    """Digest of the configuration the statement shows; a new version is due when it changes."""
    data = {
        "purposes": [(p.key, p.ground) for p in PURPOSES],
        "processors": [key for key, _label in PROCESSORS],
        "retention": [(r.key, r.period.days) for r in RETENTION],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
