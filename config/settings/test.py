"""Settings for the test suite: the base settings with fast hashing and a
throw-away media folder. The database still comes from DATABASE_URL so the
same suite runs on SQLite and on PostgreSQL."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "assure-test-suite-key-not-for-any-real-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ASSURE_SITE_URL", "http://testserver")

from config.settings.base import *  # noqa: F403
from config.settings.base import PASSWORD_HASHERS, STORAGES

# Argon2 stays in the list so stored hashes still verify; MD5 first keeps the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="assure-test-media-"))
# The default storage stays as ASSURE_STORAGE chose it (the folder unless
# set); static files are served as they are, with no collected manifest.
STORAGES = {
    "default": STORAGES["default"],
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background tasks run at once, in the test's own thread.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# No page is served from the page cache, so every test (the query counts
# above all) measures the page as drawn; tests/test_page_cache.py turns it on.
ASSURE_PAGE_CACHE_MB = 0
