"""What Celery beat starts, and when (Europe/Brussels). The README lists the same table."""

from celery.schedules import crontab

MINUTE = 60.0


def beat_schedule():
    """The periodic tasks; run ``celery -A oscart.tasks.worker beat`` once for the whole installation."""
    return {
        "outbox-sweep": {"task": "oscart.mail.sweep", "schedule": MINUTE},
        "jobs-resume": {"task": "oscart.jobs.resume", "schedule": MINUTE},
        "jobs-purge": {"task": "oscart.jobs.purge", "schedule": crontab(minute=7)},
        # Before the nightly backup (README: Periodic commands), so that it holds no more than it may.
        "privacy-purge": {"task": "oscart.privacy.purge", "schedule": crontab(hour=0, minute=30)},
        "audit-purge": {"task": "oscart.audit.purge", "schedule": crontab(hour=1, minute=30)},
        "certificate-expiry": {"task": "oscart.certificates.remind", "schedule": crontab(hour=7, minute=0)},
        "reminders": {"task": "oscart.reminders.send", "schedule": crontab(hour=7, minute=15)},
        "offers": {"task": "oscart.privacy.offers", "schedule": crontab(hour=10, minute=0)},
    }
