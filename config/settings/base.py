"""Assure's settings. Every difference between machines is an environment
variable read through config.env; the README lists each one."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import (
    env_bool,
    env_choice,
    env_email,
    env_int,
    env_list,
    env_site_url,
    env_str,
    s3_storage,
)
from core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Without DEBUG, a missing key stays empty: Assure refuses to serve
# (core.startup), and anything that signs with it fails loudly, while
# offline commands such as makemigrations still run.
SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "assure-local-development-only-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_tables2",
    "django_filters",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "core",
    "board",
    "outbox",
    "people",
    "priorities",
    "indicators",
    "reviews",
    "audits",
    "training",
    "reports",
]

# The Content Security Policy and X-Frame-Options come first so that every
# response carries them, including the static files WhiteNoise answers and the
# HTTPS redirect SecurityMiddleware answers before any later middleware runs.
MIDDLEWARE = [
    # First of all: every later middleware's log lines and answers carry the
    # request's id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "board.context_processors.assure",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# The embedded default serves a few people at once: write-ahead logging so
# readers never block the writer, a busy timeout so a second writer waits for
# the first instead of failing with "database is locked", and transactions that
# take the write lock when they begin, so two saves queue rather than fail when
# one would upgrade its read lock to a write lock.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# export_data writes times to the microsecond (Django's JSON keeps milliseconds).
SERIALIZATION_MODULES = {"json-exact": "core.serializers.exact_json"}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures in five minutes lock the account.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 5 / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# A right password alone does not clear the count: for people who sign in with
# a code too, only the code step does (core.views.SignInView), so knowing the
# password never buys fresh guesses at the code.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# Partner staff often share one office address, so locking by IP would lock
# out a whole agency after one person's mistakes; Assure locks the account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor sign-in (core.two_factor): the issuer authenticator apps show
# beside the account name.
OTP_TOTP_ISSUER = "Assure"
# Axes records what a failed sign-in posted; never the codes people typed.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "recovery_code"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Every file Assure stores (published snapshots, scorecard documents,
# evidence files, logos, the chart cache) goes through the "default" storage:
# the MEDIA_ROOT folder (`folder`, the default), or an S3-compatible object
# store (`s3`) that several servers share (docs/adr/0015).
ASSURE_STORAGE = env_choice("ASSURE_STORAGE", ("folder", "s3"), "folder")
STORAGES = {
    "default": (
        s3_storage()
        if ASSURE_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# Background work (building an annual report's snapshot): Django's tasks
# framework on the django-tasks-db backend; `manage.py db_worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}
# The Chromium kaleido drives to export charts as SVG for PDFs (a system check
# warns when it is missing, so a server never finds out at publication).
BROWSER_PATH = env_str("BROWSER_PATH", default="/usr/bin/chromium")

# Security headers. Django's own Content Security Policy: no inline script or
# style anywhere; every script and stylesheet is a static file from this origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes the health page over plain HTTP on the private
# network; redirecting it to HTTPS would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Each web process keeps the heavy pages it drew for the person who asked,
# until the data version moves (core.page_cache, ADR 0022): at most this many
# megabytes of pages; 0 turns the cache off.
ASSURE_PAGE_CACHE_MB = env_int("ASSURE_PAGE_CACHE_MB", 64)

# Uploads (action plan spreadsheets) are refused above this size.
ASSURE_MAX_UPLOAD_BYTES = env_int("ASSURE_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ASSURE_MAX_UPLOAD_BYTES + 1024 * 1024
# A board's logo (drawn on its reports' covers) is refused above this size.
ASSURE_MAX_LOGO_BYTES = env_int("ASSURE_MAX_LOGO_BYTES", 1024 * 1024)
# An action lead's evidence file in an update round is refused above this size.
ASSURE_EVIDENCE_MAX_BYTES = env_int("ASSURE_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# An imported spreadsheet is refused past this many rows (not counting the
# header), and an XLSX file past this size once unpacked (XLSX is a zip, so a
# small upload can unpack to gigabytes).
ASSURE_IMPORT_MAX_ROWS = env_int("ASSURE_IMPORT_MAX_ROWS", 2000)
ASSURE_IMPORT_MAX_UNPACKED_BYTES = env_int("ASSURE_IMPORT_MAX_UNPACKED_BYTES", 20 * 1024 * 1024)
# A published statistics file (or the statistical neighbour model) is refused
# above this size; it has no row limit: a published file has as many as it has.
ASSURE_STATISTICS_MAX_BYTES = env_int("ASSURE_STATISTICS_MAX_BYTES", 50 * 1024 * 1024, minimum=1)

ASSURE_FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The chair's dashboard lists an action not assessed for more than this many days.
ASSURE_STALE_ACTION_DAYS = env_int("ASSURE_STALE_ACTION_DAYS", 90)
if ASSURE_STALE_ACTION_DAYS < 1:
    raise ImproperlyConfigured(
        f"ASSURE_STALE_ACTION_DAYS must be 1 or more; got {ASSURE_STALE_ACTION_DAYS}."
    )

# Email (outbox): Django's mailers, sent by the background worker with
# retries, every message recorded. `smtp` in production; `file` (the default
# with DEBUG) writes each message to EMAIL_FILE_PATH for reading; `console`
# prints them.
EMAIL_DELIVERY = env_choice(
    "EMAIL_DELIVERY", ("smtp", "file", "console"), "file" if DEBUG else "smtp"
)
# STARTTLS upgrades a plain connection (port 587); TLS is encrypted from the
# start (port 465); none is for a relay on the same machine only.
EMAIL_SECURITY = env_choice("EMAIL_SECURITY", ("starttls", "tls", "none"), "starttls")
_EMAIL_USER = env_str("EMAIL_HOST_USER", default="")
_EMAIL_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
if bool(_EMAIL_USER) != bool(_EMAIL_PASSWORD):
    raise ImproperlyConfigured(
        "Set both EMAIL_HOST_USER and EMAIL_HOST_PASSWORD to sign in to the mail server, "
        "or neither."
    )
_EMAIL_BACKENDS = {
    "smtp": (
        "django.core.mail.backends.smtp.EmailBackend",
        {
            "host": env_str("EMAIL_HOST", default="localhost"),
            "port": env_int(
                "EMAIL_PORT",
                {"starttls": 587, "tls": 465, "none": 25}[EMAIL_SECURITY],
                minimum=1,
                maximum=65535,
            ),
            "use_tls": EMAIL_SECURITY == "starttls",
            "use_ssl": EMAIL_SECURITY == "tls",
            "username": _EMAIL_USER,
            "password": _EMAIL_PASSWORD,
            "timeout": env_int("EMAIL_TIMEOUT", 20, minimum=1),
        },
    ),
    "file": (
        "django.core.mail.backends.filebased.EmailBackend",
        {"file_path": env_str("EMAIL_FILE_PATH", default=str(BASE_DIR / "local-mail"))},
    ),
    "console": ("django.core.mail.backends.console.EmailBackend", {}),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKENDS[EMAIL_DELIVERY][0],
        "OPTIONS": _EMAIL_BACKENDS[EMAIL_DELIVERY][1],
    }
}
# The address Assure's messages come from; each message shows its board's
# name beside it (outbox.services).
DEFAULT_FROM_EMAIL = env_email("EMAIL_SENDER", "Assure <assure@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people open Assure: the links in messages start with it.
ASSURE_SITE_URL = env_site_url(
    "ASSURE_SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}" if DEBUG else ""
)
# A message the mail server cannot take yet is tried again, waiting twice as
# long each time (from a minute up to an hour), for this many hours; then it
# is marked not sent, and a business manager may try again.
ASSURE_EMAIL_RETRY_HOURS = env_int("ASSURE_EMAIL_RETRY_HOURS", 48, minimum=1)
# An invitation's link works for this many days.
ASSURE_INVITATION_DAYS = env_int("ASSURE_INVITATION_DAYS", 7, minimum=1, maximum=90)
# The most invitations (new, sent again or set-up links) one person may send
# in an hour.
ASSURE_INVITATIONS_PER_HOUR = env_int("ASSURE_INVITATIONS_PER_HOUR", 30, minimum=1)

DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "govuk-table"}

# Logs go to standard error: `text` for a person at a terminal (the default),
# `json` (one object a line, with the request's id) for a log collector.
LOGGING_CONFIG = "core.logs.configure"
LOGGING = logging_config(
    log_format=env_choice("ASSURE_LOG_FORMAT", ("text", "json"), "text"),
    level=env_str("LOG_LEVEL", default="INFO"),
)
FORM_RENDERER = "core.forms.GovukFormRenderer"
