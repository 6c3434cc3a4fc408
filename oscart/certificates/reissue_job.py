"""Re-issuing many certificates at once (a course's title corrected, a company's names fixed): the current
certificates of the platform admin's filtered list, each with the holder's current name and the course's current
title, for one reason. Up to INLINE_MAX in the answer to the click; more by a bulk job (oscart.jobs) whose page
follows the progress and offers, when done, the list of old and new codes.

Each re-issue is committed as the job reports its progress. A certificate is re-issued once whatever happens: the
new one's issue key (``reissue:<old id>``) is unique and the old one is locked while it is superseded, so a run
repeated after a crash or taken over from a dead worker finds the certificates already done and lists their
successors instead of issuing them again.
"""

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.certificates import issuing, services
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.locking import lock
from oscart.core.security import can
from oscart.core.tabular import neutralise
from oscart.jobs.services import JobRefused, JobResult, job_kind, start_job

KIND = "certificates.reissue"
INLINE_MAX = 20  # each re-issue renders a PDF (about 60 ms): more than this would keep the page waiting
REISSUED, ALREADY, SKIPPED = "reissued", "already", "skipped"


def current_ids(actor, *, search=None, status=None):
    """Ids of the current (neither revoked nor superseded) certificates of the admin's filtered list, oldest
    first."""
    listed = services.list_all(actor, search=search, status=status).order_by(None).subquery()
    return list(db.session.scalars(select(Certificate.id).where(
        Certificate.id.in_(select(listed.c.id)), Certificate.revoked_at.is_(None),
        Certificate.superseded_at.is_(None)).order_by(Certificate.id)))


def reissue_now(ids, *, actor, reason):
    """Re-issue ``ids`` in this transaction; returns how many were re-issued now."""
    return sum(1 for old_id in ids if reissue_once(old_id, actor=actor, reason=reason)[0] == REISSUED)


def start_reissue(ids, *, actor, reason):
    return start_job(KIND, actor=actor, total=len(ids), params={"ids": ids, "reason": reason})


def reissue_once(old_id, *, actor, reason):
    """(outcome, old, new): re-issued now, already re-issued (its successor), or skipped (revoked, gone)."""
    old = db.session.get(Certificate, old_id)
    if old is None:
        return SKIPPED, None, None
    lock(old)
    if old.superseded_at is not None:
        successor = db.session.scalar(select(Certificate).where(Certificate.reissue_of_id == old.id))
        return (ALREADY, old, successor) if successor is not None else (SKIPPED, old, None)
    if old.revoked_at is not None:
        return SKIPPED, old, None
    return REISSUED, old, issuing.reissue_certificate(old, actor=actor, reason=reason)


@job_kind(KIND, label=_l("Re-issuing certificates"), back_endpoint="certificates.manage",
          back_label=_l("Back to the certificates"))
def build(job, progress):
    owner = db.session.get(User, job.owner_id)
    if owner is None or not owner.is_active or not can(owner, "certificates.manage"):
        raise JobRefused("owner may no longer re-issue certificates")
    lines = []
    for done, old_id in enumerate(job.params["ids"], 1):
        outcome, old, new = reissue_once(old_id, actor=owner, reason=job.params["reason"])
        if old is not None:
            lines.append((old.code, new.code if new is not None else "", (new or old).holder_name,
                          old.course_title, outcome))
        progress(done)  # commits this re-issue
    with force_locale(owner.language):
        return JobResult(f"certificates_reissued_{local_time.today()}.csv", "text/csv", _table(lines))


def _table(lines):
    """Old and new code per certificate, holder and course, and what was done (formula-like cells neutralised)."""
    labels = {REISSUED: _("Re-issued"), ALREADY: _("Re-issued before"), SKIPPED: _("Not re-issued")}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Code"), _("New code"), _("Holder"), _("Course"), _("Outcome")])
    for code, new_code, holder, course, outcome in lines:
        writer.writerow([code, new_code, neutralise(holder), neutralise(course), labels[outcome]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
