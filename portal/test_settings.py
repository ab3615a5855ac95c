"""Settings for the test suite: the real ones, with fast and synchronous substitutes."""

import os

os.environ.setdefault("DEBUG", "1")

from portal.settings import *  # noqa: E402,F403
from portal.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run inline, so a test sees their effect at once (Wagtail's indexing included).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, so that `pytest --reuse-db` can keep it between runs.
    # TEST_DB_TAG lets several test runs share a checkout without sharing a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-db{os.environ.get('TEST_DB_TAG', '')}.sqlite3")  # noqa: F405
    }
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{os.environ.get('TEST_DB_TAG', '')}"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing
LOGGING = {  # noqa: F405
    **LOGGING,  # noqa: F405
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        "relais.request": {"level": "WARNING"},  # one line per request: noise in test output
    },
}
