"""Configuration. The environment is read here and nowhere else."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_int(name, default):
    return int(os.environ.get(name, default))


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Earlier keys, while SECRET_KEY is rotated: they still open sessions and decrypt two-step secrets.
    SECRET_KEY_FALLBACKS = os.environ.get("SECRET_KEY_FALLBACKS", "").split()
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'oscart.db'}"
    # A PostgreSQL connection that sat unused in the pool this long is tested before a request gets it, so a
    # server restart or an idle timeout in between costs no failed request (oscart.core.database).
    DATABASE_IDLE_TEST_SECONDS = _env_int("DATABASE_IDLE_TEST_SECONDS", 10)
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    # Uploads (photos, lesson images) are small; bigger bodies get a translated 413 page.
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 6 * 1024 * 1024)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_NAME = "oscart_remember"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # A login without "remember me" ends after this much inactivity.
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 12 * 60)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the signed session

    LOGIN_MAX_FAILURES = _env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCKOUT_MINUTES = _env_int("LOGIN_LOCKOUT_MINUTES", 15)
    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 3600)
    # Argon2id cost, close to OWASP's advice (m=19 MiB, t=2, p=1).
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST = _env_int("ARGON2_MEMORY_COST", 19 * 1024)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 1)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = False
    # Failed attempts per client address; generous for an office behind one address.
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "30 per 5 minutes; 200 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "10 per 15 minutes")
    RATELIMIT_RESET_PER_ADDRESS = os.environ.get("RATELIMIT_RESET_PER_ADDRESS", "3 per hour")
    RATELIMIT_INVITATIONS = os.environ.get("RATELIMIT_INVITATIONS", "20 per hour; 100 per day")
    # Number of trusted proxies in front of the app (0: use the socket address).
    PROXY_FIX_HOPS = _env_int("PROXY_FIX_HOPS", 0)

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")  # console | file | smtp | memory
    # Each message goes to a delivery task right after the commit that queued it (false: only the periodic sweep,
    # `flask outbox work` or the beat schedule, sends it).
    MAIL_DELIVER_INLINE = _env_bool("MAIL_DELIVER_INLINE", True)
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(BASE_DIR / "instance" / "mail"))
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Oscart <no-reply@oscart.example>")
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    SECURITY_HSTS = False

    # --- Account security (two-step login, audit trail, photos) ---
    # Platform admins must use two-step authentication (off in development and tests, see below).
    TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS = _env_bool("TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS", True)
    # A login waiting for its two-step code is forgotten after this many seconds.
    TWO_STEP_PENDING_SECONDS = _env_int("TWO_STEP_PENDING_SECONDS", 300)
    # Wrong two-step codes per client address, and per account whatever the address.
    RATELIMIT_TWO_STEP = os.environ.get("RATELIMIT_TWO_STEP", "20 per 5 minutes; 100 per hour")
    RATELIMIT_TWO_STEP_ACCOUNT = os.environ.get("RATELIMIT_TWO_STEP_ACCOUNT", "5 per 5 minutes; 20 per hour")
    # `flask audit purge` without --before deletes events older than this many days (0: keep forever).
    AUDIT_RETENTION_DAYS = _env_int("AUDIT_RETENTION_DAYS", 0)
    # Keys the audit chain's links are HMACs under; never stored in the database (see oscart/audit/keys.py).
    AUDIT_KEY = os.environ.get("AUDIT_KEY")
    AUDIT_KEY_FALLBACKS = os.environ.get("AUDIT_KEY_FALLBACKS", "").split()
    # Largest profile photo accepted, in bytes (MAX_CONTENT_LENGTH caps the whole request above it).
    PHOTO_MAX_BYTES = _env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024)
    # Uploads (photos, lesson images, PDFs to verify) per user, or per address without a login, all routes together.
    RATELIMIT_UPLOAD = os.environ.get("RATELIMIT_UPLOAD", "10 per minute; 100 per hour")

    # Privacy: data-archive downloads per user, lifetime of unsubscribe links (seconds), days after a
    # course visit without enrolment before an offer is mailed (with consent).
    RATELIMIT_PRIVACY_EXPORT = os.environ.get("RATELIMIT_PRIVACY_EXPORT", "5 per hour")
    PRIVACY_UNSUBSCRIBE_MAX_AGE = _env_int("PRIVACY_UNSUBSCRIBE_MAX_AGE", 365 * 24 * 3600)
    PRIVACY_OFFER_DAYS = _env_int("PRIVACY_OFFER_DAYS", 7)

    # Classroom: trainees may cancel until this many hours before a session's first part (unless set per session).
    CLASSROOM_CANCELLATION_HOURS = _env_int("CLASSROOM_CANCELLATION_HOURS", 48)

    # Certificates. PAdES signing at issue time with a PEM certificate and key (unsigned when not set).
    CERTIFICATE_SIGNING_CERT = os.environ.get("CERTIFICATE_SIGNING_CERT")
    CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY")
    CERTIFICATE_SIGNING_KEY_PASSPHRASE = os.environ.get("CERTIFICATE_SIGNING_KEY_PASSPHRASE")
    CERTIFICATE_SIGNING_CHAIN = os.environ.get("CERTIFICATE_SIGNING_CHAIN")  # intermediates (PEM), optional
    # Where `seed-demo` writes its self-signed demo signer (development uses it when no signer is set).
    CERTIFICATE_DEMO_SIGNER_DIR = os.environ.get("CERTIFICATE_DEMO_SIGNER_DIR",
                                                 str(BASE_DIR / "instance" / "demo-signer"))
    # Days before expiry that holders and company admins get a reminder (and the lists say "expiring").
    CERTIFICATE_REMINDER_DAYS = _env_int("CERTIFICATE_REMINDER_DAYS", 30)
    # Wrong verification codes per client address (only failures count).
    RATELIMIT_VERIFY = os.environ.get("RATELIMIT_VERIFY", "20 per 10 minutes; 100 per day")
    # Fetches of one personal calendar feed address (calendar apps refresh every hour or so).
    RATELIMIT_CALENDAR_FEED = os.environ.get("RATELIMIT_CALENDAR_FEED", "60 per hour")

    # Operations. LOG_FORMAT: text | json (one JSON object per line) | empty (logging left as it is).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
    # /metrics answers only these addresses or networks, or a request with "Authorization: Bearer METRICS_TOKEN".
    METRICS_ALLOWED_IPS = os.environ.get("METRICS_ALLOWED_IPS", "127.0.0.1 ::1").replace(",", " ").split()
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")
    # An empty directory shared by the gunicorn workers of one start: metrics add up over all of them.
    PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")

    # Training: largest lesson image accepted for upload (it is decoded and re-encoded anyway).
    LESSON_IMAGE_MAX_BYTES = _env_int("LESSON_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    # Lesson videos, captions and documents (oscart/core/storage.py): kept in the database ("database") or in
    # the folder FILE_STORAGE_PATH ("folder"), named by their content's SHA-256. Largest file accepted per kind.
    FILE_STORAGE = os.environ.get("FILE_STORAGE", "database")
    FILE_STORAGE_PATH = os.environ.get("FILE_STORAGE_PATH", str(BASE_DIR / "instance" / "files"))
    LESSON_VIDEO_MAX_BYTES = _env_int("LESSON_VIDEO_MAX_BYTES", 500 * 1024 * 1024)
    LESSON_DOCUMENT_MAX_BYTES = _env_int("LESSON_DOCUMENT_MAX_BYTES", 50 * 1024 * 1024)
    LESSON_CAPTIONS_MAX_BYTES = _env_int("LESSON_CAPTIONS_MAX_BYTES", 1024 * 1024)

    # Background work on Celery (oscart/tasks): Redis as the broker; no result backend (tasks write their outcome
    # to the database). Eager (tasks run in the process that queues them) in development and tests.
    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
        "task_always_eager": _env_bool("CELERY_TASK_ALWAYS_EAGER", False),
        "task_eager_propagates": False,
        "task_ignore_result": True,
        # A task is acknowledged when it has finished: one a killed worker was running is delivered again.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "default",
        "task_routes": {"oscart.jobs.run": {"queue": "bulk"}},
        "broker_connection_retry_on_startup": True,
        # Unacknowledged tasks of a vanished worker come back after this many seconds (longest bulk job).
        # Queueing after a commit does not retry: with Redis down a request goes on at once (about 20 ms lost)
        # and the periodic sweeps send what was left.
        "broker_transport_options": {"visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
                                     "max_retries": 0, "socket_connect_timeout": 1},
        "broker_connection_timeout": 2,
        "timezone": "Europe/Brussels",
        "worker_hijack_root_logger": False,
    }
    # Bulk jobs (oscart/jobs): downloads of more certificates than this are prepared in the background; a
    # result is kept for its owner this many hours, then deleted.
    JOB_INLINE_MAX = _env_int("JOB_INLINE_MAX", 200)
    JOB_RESULT_HOURS = _env_int("JOB_RESULT_HOURS", 24)


class DevelopmentConfig(Config):
    DEBUG = True
    TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS = _env_bool("TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS", False)
    SECRET_KEY = Config.SECRET_KEY or "development-only-secret-key"
    # Links in mails, invitations and QR codes lead to the port `make run PORT=…` serves on, unless set.
    PUBLIC_BASE_URL = (os.environ.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{_env_int('PORT', 5000)}").rstrip("/")
    # Sign with the demo signer that `seed-demo` creates, unless a real one is configured.
    if not (Config.CERTIFICATE_SIGNING_CERT or Config.CERTIFICATE_SIGNING_KEY):
        CERTIFICATE_SIGNING_CERT = str(Path(Config.CERTIFICATE_DEMO_SIGNER_DIR) / "signer-cert.pem")
        CERTIFICATE_SIGNING_KEY = str(Path(Config.CERTIFICATE_DEMO_SIGNER_DIR) / "signer-key.pem")
    # `make run` is one process: tasks run in it unless CELERY_TASK_ALWAYS_EAGER=0 (then start a worker too).
    CELERY = {**Config.CELERY, "task_always_eager": _env_bool("CELERY_TASK_ALWAYS_EAGER", True)}


class TestingConfig(Config):
    TESTING = True
    CELERY = {**Config.CELERY, "task_always_eager": True, "task_eager_propagates": True}
    SECRET_KEY = "testing-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_BACKEND = "memory"
    MAIL_DELIVER_INLINE = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_BASE_URL = "https://portal.oscart.example"
    TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS = False
    LOG_FORMAT = ""  # pytest captures the logs


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SECURITY_HSTS = True
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_name():
    return os.environ.get("OSCART_ENV", "development")
