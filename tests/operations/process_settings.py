"""Settings for the processes that the fault tests start (gunicorn, workers, schedulers, pollers).

The production settings, read from the environment the tests give (DEBUG off, PostgreSQL, SMTP), with
static files served from the source folders (no `collectstatic` needed) and a fast password hasher."""

from portal.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
