"""Settings of the Relais DSI portal, read from the environment.

Development defaults need nothing set: SQLite in the project, DEBUG on.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """A boolean from the environment; refuses anything ambiguous."""
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-" + "x" * 20  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address of the portal, used in e-mails (links to follow a request, survey links).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL

INSTALLED_APPS = [
    "home",
    "accounts",
    "directory",
    "catalogue",
    "requests_box",
    "committees",
    "kpis",
    "operations",
    "communications",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (operations/logs.py).
    "operations.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "home.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "operations.throttling.TrustedBrowserMiddleware",
    "home.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An intranet: every page needs a login unless its view says otherwise (survey links, login).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Notes whether a search was followed by a result opened or a request (before the page cache).
    "catalogue.search.middleware.SearchFollowUpMiddleware",
    # After authentication and messages: serves catalogue pages already rendered for this user.
    "catalogue.middleware.CataloguePageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

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
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request reuses it: after a database restart, only the
        # requests in flight fail, not the next one of each web process.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes. A 64 MiB page cache and memory-mapped
    # reads (instead of SQLite's 2 MiB and a read() per page) for the indicators' range scans.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
            "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (operations/throttling.py): attempts counted in the database, shared by every
# worker and server; the locks spare the browsers where the user proved who they are.
AUTHENTICATION_BACKENDS = [
    "operations.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"  # throttled, says when LDAP is down
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)  # per user name from one address
LOGIN_FAILURE_LIMIT_ANY_ADDRESS = envint("LOGIN_FAILURE_LIMIT_ANY_ADDRESS", 20)
LOGIN_DEVICE_FAILURE_LIMIT = envint("LOGIN_DEVICE_FAILURE_LIMIT", 5)  # per trusted browser
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 15 * 60)
LOGIN_TRUSTED_BROWSER_DAYS = envint("LOGIN_TRUSTED_BROWSER_DAYS", 180)
UNLOCK_MAIL_INTERVAL_SECONDS = envint("UNLOCK_MAIL_INTERVAL_SECONDS", 5 * 60)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks); others' is ignored.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Company sign-in (accounts/): LDAP / Active Directory and/or OpenID Connect when set; local accounts
# (the technical administrator) always work. The directory sync reads the same LDAP, or an HR CSV.
LDAP_URL = os.environ.get("LDAP_URL", "")  # several servers: space-separated
LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
LDAP_USER_SEARCH_BASE = os.environ.get("LDAP_USER_SEARCH_BASE", "")
LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "(sAMAccountName=%(user)s)")
LDAP_GROUP_SEARCH_BASE = os.environ.get("LDAP_GROUP_SEARCH_BASE", "") or LDAP_USER_SEARCH_BASE
LDAP_GROUP_FILTER = os.environ.get("LDAP_GROUP_FILTER", "(|(objectClass=group)(objectClass=groupOfNames))")
LDAP_START_TLS = envbool("LDAP_START_TLS", False)
LDAP_CA_CERT_FILE = os.environ.get("LDAP_CA_CERT_FILE", "")
LDAP_TIMEOUT = envint("LDAP_TIMEOUT", 5)
LDAP_SYNC_BASE = os.environ.get("LDAP_SYNC_BASE", "") or LDAP_USER_SEARCH_BASE
LDAP_SYNC_FILTER = os.environ.get(
    "LDAP_SYNC_FILTER", "(&(objectClass=user)(!(objectClass=computer))(mail=*))"
)
DIRECTORY_SYNC_ATTRIBUTES = os.environ.get("DIRECTORY_SYNC_ATTRIBUTES", "")  # e.g. entity=division,phone=
DIRECTORY_SYNC_CSV = os.environ.get("DIRECTORY_SYNC_CSV", "")  # when set, the sync reads this HR export
DIRECTORY_SYNC_MAX_DEACTIVATION_PERCENT = envint("DIRECTORY_SYNC_MAX_DEACTIVATION_PERCENT", 10)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's logout
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
if LDAP_URL:
    AUTHENTICATION_BACKENDS.append("accounts.ldap_backend.DirectoryLDAPBackend")
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.DirectoryOIDCBackend")
# Logging out ends on the provider's logout page: the CSP's form-action must allow its origin.
CSP_FORM_ACTION_EXTRA = ["/".join(OIDC_OP_LOGOUT_ENDPOINT.split("/")[:3])] if OIDC_OP_LOGOUT_ENDPOINT else []

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Catalogue pages rendered once per user and catalogue version (catalogue/middleware.py); 0 disables.
CATALOGUE_PAGE_CACHE_SECONDS = envint("CATALOGUE_PAGE_CACHE_SECONDS", 300)
CATALOGUE_PAGE_CACHE_PATH = "/catalogue/"

# Indicators computed once per period until their data changes (kpis/freshness.py); 0 disables.
KPIS_CACHE_SECONDS = envint("KPIS_CACHE_SECONDS", 300)

# E-mail: the SMTP server the portal sends through, and the functional mailbox's address.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Relais DSI <relais-dsi@groupe-aurelia.fr>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
MAILBOX_ADDRESS = os.environ.get("MAILBOX_ADDRESS", "relais-dsi@groupe-aurelia.fr")

# The shared mailbox polled over IMAP.
IMAP_HOST = os.environ.get("IMAP_HOST", "localhost")
IMAP_PORT = envint("IMAP_PORT", 993)
IMAP_TLS = envbool("IMAP_TLS", True)
IMAP_USER = os.environ.get("IMAP_USER", "")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")

# Mail intake: bigger messages go to quarantine whole; a sender over the hourly limit is a mail loop.
MAILBOX_MAX_MESSAGE_BYTES = envint("MAILBOX_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
MAILBOX_RATE_LIMIT_PER_HOUR = envint("MAILBOX_RATE_LIMIT_PER_HOUR", 30)
WEB_REQUEST_FLOOD_LIMIT = envint("WEB_REQUEST_FLOOD_LIMIT", 10)  # web-form requests per user per hour
MAILBOX_LOOP_HEADER = os.environ.get("MAILBOX_LOOP_HEADER", "X-Relais-DSI-Loop")
# The company's mail domains (subdomains included); empty: the domain of MAILBOX_ADDRESS.
MAIL_INTERNAL_DOMAINS = envlist("MAIL_INTERNAL_DOMAINS")
# The authserv-ids of our own receiving servers, whose Authentication-Results intake believes (a mail
# claiming an internal domain that failed their DMARC or SPF check is held); empty: the header is ignored.
MAIL_TRUSTED_AUTHSERV_IDS = envlist("MAIL_TRUSTED_AUTHSERV_IDS")
# Answer deadlines count business days: these hours, minus French public holidays and these extra days.
BUSINESS_HOURS = {
    "days": [0, 1, 2, 3, 4],
    "start": os.environ.get("BUSINESS_HOURS_START", "08:30"),
    "end": os.environ.get("BUSINESS_HOURS_END", "18:00"),
    "timezone": "Europe/Paris",
}
EXTRA_CLOSED_DAYS = envlist("EXTRA_CLOSED_DAYS")  # ISO dates, e.g. 2026-12-24,2026-12-31

# Background work: the database backend, so a single machine needs no broker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Campaign mails (communications/): sent by the worker in batches, at most this many per minute; a
# temporary SMTP failure is retried later, up to COMMUNICATIONS_MAX_ATTEMPTS times.
COMMUNICATIONS_RATE_PER_MINUTE = envint("COMMUNICATIONS_RATE_PER_MINUTE", 300)
COMMUNICATIONS_BATCH_SIZE = envint("COMMUNICATIONS_BATCH_SIZE", 50)
COMMUNICATIONS_MAX_ATTEMPTS = envint("COMMUNICATIONS_MAX_ATTEMPTS", 3)
COMMUNICATIONS_RETRY_SECONDS = envint("COMMUNICATIONS_RETRY_SECONDS", 300)
# `manage.py scheduler` enqueues the periodic jobs at these intervals (operations/scheduler.py).
SCHEDULER_INTERVALS = {
    "poll_mailbox": envint("SCHEDULE_POLL_MAILBOX_SECONDS", 60),
    "check_deadlines": envint("SCHEDULE_CHECK_DEADLINES_SECONDS", 300),
    "send_surveys": envint("SCHEDULE_SEND_SURVEYS_SECONDS", 900),
    "refresh_indicators": envint("SCHEDULE_REFRESH_INDICATORS_SECONDS", 3600),
    "sync_directory": envint("SCHEDULE_SYNC_DIRECTORY_SECONDS", 3600),
    "event_reminders": envint("SCHEDULE_EVENT_REMINDERS_SECONDS", 3600),
    # Generated PDFs (home/reports.py) older than a week are forgotten, and their files deleted.
    "prune_reports": envint("SCHEDULE_PRUNE_REPORTS_SECONDS", 86400),
}
# `manage.py worker` beats every few seconds; a worker silent for longer is lost and its task retried.
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_DEAD_AFTER_SECONDS = envint("WORKER_DEAD_AFTER_SECONDS", 120)
# /sante/ answers 503 when a task has waited longer than this, or the last mailbox poll is older.
HEALTH_WORKER_LAG_SECONDS = envint("HEALTH_WORKER_LAG_SECONDS", 300)
HEALTH_MAILBOX_POLL_MAX_AGE_SECONDS = envint("HEALTH_MAILBOX_POLL_MAX_AGE_SECONDS", 600)

WAGTAIL_SITE_NAME = "Relais DSI"
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        **(
            {"SEARCH_CONFIG": "french_unaccent"}
            if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
            else {}
        ),
    }
}
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security: on by default outside DEBUG, so that `check --deploy` is clean in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview shows the page in a same-origin frame, so DENY would break editing.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
# Load balancers probe the health endpoint over plain HTTP, straight to gunicorn.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
# Content-Security-Policy (home/security.py): strict on the portal, looser in Wagtail's admin.
CSP_REPORT_ONLY = envbool("CSP_REPORT_ONLY", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if envbool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One line per event on stderr (journald or the container runtime keeps it), with the request id (or
# task id) and the user id: operations/logs.py. Never a request body, mail or password.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "operations.logs.ContextFilter"}},
    "formatters": {
        "line": {
            "()": "operations.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s req=%(request_id)s user=%(user_id)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's own request lines duplicate ours (relais.request); keep its errors.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
