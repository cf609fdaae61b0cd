"""Settings of the tiers-lieux information system.

One module, read from the environment (see README, "Configuration"). SQLite under ``var/`` by
default; PostgreSQL when ``DATABASE_URL`` says so (``postgres://user:pass@host:port/name``).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tierslieux.core.regions import UnknownRegionError, parse_regions, region_name

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TIERSLIEUX_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Production by default: development commands (`make run`, `make setup`, `make worker`) set
# DJANGO_DEBUG=true themselves (ADR 0013).
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' templates, for the project's form renderer
    "django_htmx",
    "ninja",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "tierslieux.core",
    "tierslieux.accounts",
    "tierslieux.territory",
    "tierslieux.places",
    "tierslieux.calls",
    "tierslieux.agreements",
    "tierslieux.premises",
    "tierslieux.surveys",
    "tierslieux.training",
    "tierslieux.network",
    "tierslieux.dashboard",
    "tierslieux.demo",
    "tierslieux.api",
    "tierslieux.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout seen during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tierslieux.core.context_processors.product",
            ],
        },
    },
]

# One field template for every form (templates/core/field.html, docs/adr/0021).
FORM_RENDERER = "tierslieux.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tierslieux.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before any password is checked;
# then the model backend, which also refuses the demo administrator's password in production.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tierslieux.accounts.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:start"
LOGOUT_REDIRECT_URL = "workspace:home"
# A refused form (expired CSRF token, cookies blocked) gets the product's page, not Django's.
CSRF_FAILURE_VIEW = "tierslieux.workspace.views_errors.csrf_failure"

# Internationalisation: French by default, English selectable (English msgids).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background tasks (ADR 0004, 0015): database queue by default, run by `manage.py tasks_worker`;
# TASKS_BACKEND=django_tasks_rq.RQBackend with REDIS_URL: a Redis queue, run by
# `manage.py rqworker --job-class django_tasks_rq.Job default` on as many machines as needed.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
REDIS_URL = os.environ.get("REDIS_URL", "")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": []}}
# A report or an exact optimisation may take minutes: RQ's default job timeout is 180 s.
TASKS_JOB_TIMEOUT_SECONDS = int(os.environ.get("TASKS_JOB_TIMEOUT_SECONDS", "3600"))
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": TASKS_JOB_TIMEOUT_SECONDS}}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    if not REDIS_URL:
        raise RuntimeError("TASKS_BACKEND=django_tasks_rq.RQBackend needs REDIS_URL")
    TASKS["default"]["QUEUES"] = ["default"]
# A running task whose progress has not moved (no heartbeat) for this long has lost its worker:
# it is marked failed and the page says so. Every long task reports progress more often.
TASKS_STALE_AFTER_SECONDS = int(os.environ.get("TASKS_STALE_AFTER_SECONDS", "600"))
# Tasks (reports, scenarios) one user may have queued or running at once; 0: no limit.
# Months after a training session's end when its registrations' personal data are anonymised
# (``manage.py training_anonymise``, run daily; issue 16, ADR 0027).
TRAINING_PERSONAL_DATA_MONTHS = int(os.environ.get("TRAINING_PERSONAL_DATA_MONTHS", "12"))
# Days before a training session when its registered people get a reminder e-mail
# (``manage.py training_remind``, run daily).
TRAINING_REMINDER_DAYS = int(os.environ.get("TRAINING_REMINDER_DAYS", "2"))
TASKS_MAX_PENDING_PER_USER = int(os.environ.get("TASKS_MAX_PENDING_PER_USER", "2"))
# The worker (`tasks_worker`) exits non-zero after this many database errors in a row.
TASKS_WORKER_MAX_FAILURES = int(os.environ.get("TASKS_WORKER_MAX_FAILURES", "10"))
# Where `manage.py backup` and `restore` find pg_dump / pg_restore (empty: on PATH).
PG_BIN = os.environ.get(
    "PG_BIN", "/usr/lib/postgresql/15/bin" if Path("/usr/lib/postgresql/15/bin").is_dir() else ""
)

# A file cache under var/ is shared by the web processes and the task worker of one machine;
# CACHE_BACKEND / CACHE_LOCATION switch it (e.g. django.core.cache.backends.redis.RedisCache).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", str(VAR_DIR / "cache")),
        "TIMEOUT": 24 * 3600,
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tiers-lieux@localhost")
# The public address of the site: every link in an e-mail is built from it, never from the
# Host header of a request (which a client can write).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Accounts (docs/accounts.md): how long each one-time link stays valid, in seconds, and how many
# sign-ups and password-reset requests one client address (and changes of e-mail one user)
# may make per hour.
ACCOUNT_CONFIRMATION_MAX_AGE = int(os.environ.get("ACCOUNT_CONFIRMATION_MAX_AGE", 3 * 24 * 3600))
ACCOUNT_INVITATION_MAX_AGE = int(os.environ.get("ACCOUNT_INVITATION_MAX_AGE", 7 * 24 * 3600))
ACCOUNT_EMAIL_CHANGE_MAX_AGE = int(os.environ.get("ACCOUNT_EMAIL_CHANGE_MAX_AGE", 24 * 3600))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 24 * 3600))
ACCOUNT_SIGNUPS_PER_HOUR = int(os.environ.get("ACCOUNT_SIGNUPS_PER_HOUR", "5"))
ACCOUNT_RESETS_PER_HOUR = int(os.environ.get("ACCOUNT_RESETS_PER_HOUR", "10"))

# Reference data committed with the product (data/PROVENANCE.md).
TERRITORY_DATA_DIR = Path(os.environ.get("TERRITORY_DATA_DIR", BASE_DIR / "data" / "territory"))
# Which regions this deployment serves (issue 14): "75" (the default, Nouvelle-Aquitaine), a
# list of INSEE region codes ("75,84") or "all". An unknown code stops the start here.
try:
    TERRITORY_REGIONS = parse_regions(
        os.environ.get("TERRITORY_REGIONS") or os.environ.get("TERRITORY_REGION_CODE") or "75"
    )
except UnknownRegionError as error:
    raise ImproperlyConfigured(f"TERRITORY_REGIONS: {error}") from error
# The home region: the one whose name the pages, e-mails and reports use when a deployment serves
# a single region, and the default region of a new call. Nouvelle-Aquitaine when served.
TERRITORY_REGION_CODE = os.environ.get("TERRITORY_REGION_CODE") or (
    "75" if "75" in TERRITORY_REGIONS else TERRITORY_REGIONS[0]
)
if TERRITORY_REGION_CODE not in TERRITORY_REGIONS:
    raise ImproperlyConfigured(
        f"TERRITORY_REGION_CODE={TERRITORY_REGION_CODE} is not among TERRITORY_REGIONS "
        f"({','.join(TERRITORY_REGIONS)})."
    )
TERRITORY_REGION_NAME = os.environ.get("TERRITORY_REGION_NAME") or region_name(
    TERRITORY_REGION_CODE
)

# The demo administrator `manage.py ensure_demo_admin` makes (refused when DEBUG is off). The
# default password is accounts.services.DEMO_ADMIN_DEFAULT_PASSWORD, refused at login in
# production (accounts/backends.py).
DEMO_ADMIN_USERNAME = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
DEMO_ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "tiers-lieux-demo")

# HTTPS in production (ADR 0013). `manage.py check --deploy --fail-level WARNING` is clean with
# the defaults below; the variables exist for a local check over plain HTTP and for a reverse
# proxy that already redirects to HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # HSTS is opt-in: a browser remembers it for SECURE_HSTS_SECONDS, so turning it on before
    # HTTPS works on the host (and, with include-subdomains, on every subdomain) locks visitors
    # out. Documented decision: off (0) until the operator sets DJANGO_HSTS_SECONDS, hence
    # security.W004 silenced while it is 0.
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if SECURE_HSTS_SECONDS == 0:
        SILENCED_SYSTEM_CHECKS.append("security.W004")
    elif not SECURE_HSTS_PRELOAD:
        # Submitting the domain to the browsers' preload list is the domain owner's commitment,
        # not the product's: off unless DJANGO_HSTS_PRELOAD=true (documented decision).
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if not SECURE_SSL_REDIRECT and env_bool("DJANGO_SSL_REDIRECT_BY_PROXY", False):
        # The operator declares that the reverse proxy redirects HTTP to HTTPS (documented).
        SILENCED_SYSTEM_CHECKS.append("security.W008")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "tierslieux.core.logging.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's access log, through the same redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Reverse proxies in front of the application (nginx, a load balancer): the client address is
# then the TRUSTED_PROXY_COUNT-th entry from the right of X-Forwarded-For (core.http.client_ip).
# 0: the server faces the clients and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT > 0:
    # Behind trusted proxies only: they set X-Forwarded-Proto (a client facing the server could
    # write it and make Django believe a plain HTTP request is secure).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes, ADR 0013): AXES_FAILURE_LIMIT failed logins for one account
# (from anywhere) or from one address (whatever the account) lock it for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tierslieux.core.http.client_ip"
AXES_LOCKOUT_CALLABLE = "tierslieux.accounts.views.lockout"  # registration/lockout.html, 429
# A success does not wipe the failures: it would also wipe its address's, so an attacker owning
# one account could reset the per-address count by logging into it between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The username field of the login form and of the admin's.
AXES_USERNAME_FORM_FIELD = "username"

# Rate limits of the JSON API ("<count>/<period>", period s, m, h or d, e.g. 120/m; empty: no
# limit): anonymous callers per client address, token and session users per user. Counted in
# the cache: use Redis (CACHE_BACKEND) when several processes serve (tierslieux/api/throttling.py).
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/m")
API_AUTH_RATE = os.environ.get("API_AUTH_RATE", "1200/m")

# Raster tiles under the public map (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png). Empty:
# no tile layer, the map draws only our own outlines (offline, no third-party request).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Content Security Policy (django-csp 4, ADR 0013): scripts, styles, fonts and data from the
# product's own origin only; no inline script anywhere (the API docs use ninja's shipped files).
# Images also from data: URLs (Leaflet's and Swagger UI's icons) and from the tile server, when a
# tile layer is configured.


def tile_source(url: str) -> list[str]:
    """The CSP source of a Leaflet tile URL template (``{s}`` subdomains become ``*``)."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "SUBDOMAIN"))
    return [f"{parts.scheme}://{parts.netloc.replace('SUBDOMAIN', '*')}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *tile_source(MAP_TILE_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Territorial mesh (the policy's targets and the travel-time model's defaults).
MESH_THRESHOLD_MINUTES = float(os.environ.get("MESH_THRESHOLD_MINUTES", "20"))
MESH_DETOUR_FACTOR = float(os.environ.get("MESH_DETOUR_FACTOR", "1.3"))
MESH_SPEED_KMH = float(os.environ.get("MESH_SPEED_KMH", "60"))
MESH_OSM_PATH = os.environ.get("MESH_OSM_PATH", "")
MESH_TARGET_PLACES = int(os.environ.get("MESH_TARGET_PLACES", "300"))
# Generated evaluation reports are deleted after this many days (a new one is quick to make).
DASHBOARD_REPORT_KEEP_DAYS = int(os.environ.get("DASHBOARD_REPORT_KEEP_DAYS", "30"))
# National reference: about 3,500 tiers-lieux for 68 million inhabitants (France Tiers-Lieux).
NATIONAL_PLACES = int(os.environ.get("NATIONAL_PLACES", "3500"))
NATIONAL_POPULATION = int(os.environ.get("NATIONAL_POPULATION", "68000000"))

# Uploads: a request carrying files is refused (400) as soon as it passes this size, before it
# fills the disk (core.uploads.BoundedUploadHandler); each form then applies its own limit.
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("UPLOAD_MAX_REQUEST_BYTES", str(64 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "tierslieux.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
