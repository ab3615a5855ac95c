"""Settings for bench/catalogue_rps.py: the real settings, production-like, plus a trivial view's URL."""

from portal.settings import *  # noqa: F403
from portal.settings import STORAGES

ROOT_URLCONF = "catalogue_urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
