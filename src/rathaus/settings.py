"""All settings of Rathaus, each read from an environment variable.

Every variable is listed in docs/configuration.md. The defaults suit a developer's machine:
an embedded SQLite database under ./var, mails printed to the console, DEBUG off.
"""

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def read_secret_key(data_dir: Path) -> str:
    """SECRET_KEY, else the file SECRET_KEY_FILE names, else a key made once in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if key_file := os.environ.get("SECRET_KEY_FILE"):
        try:
            return Path(key_file).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE cannot be read: {error}") from None
    generated = data_dir / "secret_key"
    if not generated.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        generated.write_text(secrets.token_urlsafe(50))
        generated.chmod(0o600)
    return generated.read_text().strip()


def parse_email_url(url: str) -> dict[str, Any]:
    """EMAIL_URL: smtp://user:pass@host:587?tls=1, smtps://…, console://, locmem://, dummy://."""
    parts = urlsplit(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(backends)}")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    config: dict[str, Any] = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in {"smtp", "smtps"}:
        config.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", "0") in {"1", "true"},
            EMAIL_TIMEOUT=10,
        )
    return config


DATA_DIR = env_path("RATHAUS_DATA_DIR", PROJECT_DIR / "var")
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = read_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The portal's public address, for links in e-mails (status links, postbox notices).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Behind TLS (production) cookies are marked secure and browsers are told to stay on HTTPS.
HTTPS = env_bool("HTTPS", False)
# The stand-in for a hosted payment page (ePayBL) that lets anyone "pay" without money: on for
# development and the demo, off by default in production (HTTPS on).
PAYMENT_TEST_PROVIDER = env_bool("PAYMENT_TEST_PROVIDER", not HTTPS)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8

INSTALLED_APPS = [
    # The layers, bottom to top (docs/architecture.md); .importlinter checks them.
    # kernel
    "rathaus.core",
    "rathaus.tasks",
    # platform
    "rathaus.municipalities",
    "rathaus.records",
    "rathaus.accounts",
    "rathaus.townhall",
    # engine
    "rathaus.procedures",
    "rathaus.payments",
    "rathaus.catalog",
    "rathaus.cases",
    # capabilities
    "rathaus.jobs",
    "rathaus.trade",
    "rathaus.schoolroute",
    # site
    "rathaus.site",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rathaus.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rathaus.core.middleware.RequestSizeLimitMiddleware",
    "rathaus.core.middleware.UnstorableTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "rathaus.accounts.access.TenantMiddleware",
]

# The largest request body accepted at all (uploads included); each procedure sets its own,
# smaller limits per file.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 60 * 1024 * 1024)

ROOT_URLCONF = "rathaus.site.urls"
WSGI_APPLICATION = "rathaus.wsgi.application"

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
                "rathaus.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'rathaus.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked"
    # errors when two requests upgrade a read to a write at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too, not SQLite's in-memory database: only a file has WAL and the busy
    # timeout, so concurrent requests behave in tests as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
    DATA_DIR.mkdir(parents=True, exist_ok=True)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "rathaus_cache",
    }
}
if redis_url := env_str("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rathaus] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# Failed logins (rathaus.accounts.adapter, docs/configuration.md): "key" in login_failed is the
# account together with the client's address, so an attacker locks out only themselves; the looser
# per-account ceiling does not apply on a device that logged in to the account before.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "20/m/ip,100/h/ip,5/5m/key"),
    "login_failed_account": env_str("LOGIN_FAILED_ACCOUNT_RATE_LIMIT", "30/h/key"),
}
# Behind a reverse proxy every request comes from the proxy's address: without this, the per-IP
# limits above would count all citizens together, and 20 failed logins would lock out everyone.
# allauth then takes the client's address from the entry the proxy added to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY", False) else 0
ACCOUNT_ADAPTER = "rathaus.accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Rathaus"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", DATA_DIR / "static")
NODE_MODULES = env_path("RATHAUS_NODE_MODULES", PROJECT_DIR / "node_modules")
STATICFILES_DIRS = [
    BASE_DIR / "static",  # rathaus/site.css: the project's own styles live outside any app
    ("vendor/kern", NODE_MODULES / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_path("MEDIA_ROOT", DATA_DIR / "media")
# Street networks (routing graphs, one .npz per municipality) written by `rathaus import-streets`.
GRAPH_DIR = env_path("RATHAUS_GRAPH_DIR", DATA_DIR / "graphs")
# A raster tile server for the school route's maps, e.g. "https://{s}.tile.example.org/{z}/{x}/{y}.png";
# empty: only the map drawn on the server. With it, a script shows the maps on the tiles (Leaflet).
SCHOOLROUTE_TILE_URL = env_str("RATHAUS_SCHOOLROUTE_TILE_URL", "")
# The tile host for the CSP; Leaflet's "{s}" subdomain placeholder becomes a wildcard.
_TILE_ORIGIN = urlsplit(SCHOOLROUTE_TILE_URL.replace("{s}", "*"))
_TILE_IMAGES = [f"{_TILE_ORIGIN.scheme}://{_TILE_ORIGIN.netloc}"] if SCHOOLROUTE_TILE_URL else []
# The trade office's messages to authorities that collect them from a folder: one subfolder per recipient.
TRADE_OUTBOX_DIR = env_path("TRADE_OUTBOX_DIR", DATA_DIR / "outbox")
# Requests per client address to the public trade register extract (§ 14 Abs. 5 GewO), e.g. "30/m"; empty: no limit.
TRADE_REGISTER_RATE_LIMIT = env_str("TRADE_REGISTER_RATE_LIMIT", "30/m")
# Requests per client address to the school route API (each one routes to several schools); empty: no limit.
SCHOOL_ROUTE_RATE_LIMIT = env_str("SCHOOL_ROUTE_RATE_LIMIT", "60/m")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

_delivery = parse_email_url(env_str("EMAIL_URL", "console://"))
globals().update({key: value for key, value in _delivery.items() if key != "EMAIL_BACKEND"})
# Requests hand mail to the task queue; the worker delivers it through EMAIL_URL's backend.
EMAIL_BACKEND = "rathaus.core.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = _delivery["EMAIL_BACKEND"]

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Task workers (rathaus.tasks): how many `rathaus worker` and `rathaus serve` start (SQLite takes one
# writer at a time, so one worker there), how often each records that it is alive, after how long
# without a sign of life its running task is queued again, and how often a task may be lost so.
TASK_WORKERS = env_int("RATHAUS_TASK_WORKERS", 1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 2)
TASK_HEARTBEAT_SECONDS = env_int("RATHAUS_TASK_HEARTBEAT_SECONDS", 10)
TASK_WORKER_STALE_SECONDS = env_int("RATHAUS_TASK_WORKER_STALE_SECONDS", 60)
TASK_MAX_ATTEMPTS = env_int("RATHAUS_TASK_MAX_ATTEMPTS", 3)
# Tests only: a folder where marked points of a task wait for a go (rathaus.tasks.pause).
TASK_PAUSE_DIR = env_str("RATHAUS_TASK_PAUSE_DIR")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rathaus <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_TILE_IMAGES],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

NINJA_PAGINATION_PER_PAGE = 20

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        # WeasyPrint and the font subsetter narrate every PDF at INFO; only their warnings matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
CSRF_FAILURE_VIEW = "rathaus.core.views.csrf_failure"
FORMS_URLFIELD_ASSUME_HTTPS = True
FORMAT_MODULE_PATH = ["rathaus.formats"]
