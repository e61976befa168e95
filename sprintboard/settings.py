"""Sprintboard settings. Everything a deployment changes comes from the environment (docs/interfaces.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

FLAG_VALUES = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def refuse(message):
    """Stop the server or command before it starts: a message, no traceback."""
    raise SystemExit(f"Sprintboard cannot start: {message}")


def env_flag(name, default=False):
    """A flag: on/off, true/false, yes/no or 1/0; anything else is a typo, not False."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in FLAG_VALUES:
        refuse(f"{name}={os.environ[name]!r} is not a flag: use on or off (or true/false, yes/no, 1/0).")
    return FLAG_VALUES[value]


def env_int(name, default):
    """A whole number of at least 1."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        refuse(f"{name}={os.environ[name]!r} is not a whole number of at least 1.")
    return int(value)


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        refuse(
            "SECRET_KEY is not set. Set it to a long random value, e.g. the output of\n"
            "  python3 -c 'import secrets; print(secrets.token_urlsafe(50))'\n"
            "(or DEBUG=on for development)."
        )
    # Development only (DEBUG on); `check --deploy` flags it as Django's own insecure keys.
    SECRET_KEY = "django-insecure-sprintboard-development-key"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}" for host in env_list("CSRF_TRUSTED_HOSTS") for scheme in ("http", "https")
]
# Set behind a reverse proxy (nginx) that sets X-Forwarded-Proto and X-Forwarded-For: only then
# are they trusted (a client could send them itself).
BEHIND_PROXY = env_flag("BEHIND_PROXY")
HTTPS = env_flag("HTTPS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "corsheaders",
    "axes",
    "simple_history",
    "championships",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in official as the user of the history's rows (championships/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

# The JSON feed and the CSV exports are for other sites (views.open_to_other_sites sends the header):
# corsheaders answers the browsers' preflight for them, and for nothing else.
CORS_URLS_REGEX = r"^/[-\w]+/(standings\.(json|csv)|distances/\d+/results\.csv)$"
CORS_ALLOW_ALL_ORIGINS = True

# Failed logins (django-axes) counted per username and address together: an attacker's guesses
# from one address lock out that username from that address only, not an official elsewhere.
# Kept in the database: shared by every server process, and kept over restarts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True  # the same username from the same address only
AXES_CLIENT_IP_CALLABLE = "sprintboard.logins.client_address"
AXES_LOCKOUT_CALLABLE = "sprintboard.logins.locked_out"

ROOT_URLCONF = "sprintboard.urls"
ASGI_APPLICATION = "sprintboard.asgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

# No persistent connections: under ASGI, database work runs in thread pools that would each
# keep one open.
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=0)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Browser tests serve from a daphne subprocess: the test database must be a file.
    # One file per test run (inherited by its server processes), so runs can overlap.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.setdefault("SPRINTBOARD_TEST_DB", str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3"))
    }
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    # Pub/sub publishes once per group_send, whatever the number of spectators. redis-py 8's
    # defaults would drop a consumer after 5 s of silence (socket_timeout) and refuse bursts of
    # more than 100 connections (max_connections): lift both.
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis' pub/sub layer that also tells which groups are followed (a page
            # language nobody reads is not rendered on save).
            "BACKEND": "championships.live.layers.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 10_000}],
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# A spectator whose connection holds more than this many bytes not yet sent (a browser that has
# stopped reading) is dropped rather than buffered for without bound; it gets the current state
# when it reconnects. About 30 frames of the standings.
LIVE_SEND_BUFFER_LIMIT = env_int("LIVE_SEND_BUFFER_LIMIT", 1024 * 1024)

# Times a senior championship's distances are skated in, by metres (docs/rules.md "Plausible times"):
# a time outside them needs the official's confirmation before it is saved. A deployment for
# juniors or masters overrides them.
PLAUSIBLE_TIMES = {
    500: ("33", "50"),
    1000: ("1:04", "1:40"),
    1500: ("1:39", "2:30"),
    3000: ("3:48", "5:00"),
    5000: ("5:58", "8:30"),
    10000: ("12:25", "16:30"),
}

# Scripts and styles only from this site (htmx is vendored); WebSockets to this site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Behind TLS (HTTPS=on): secure cookies, HSTS and redirects. Off for the plain-HTTP local demo.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SESSION_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Only for a deployment that runs collectstatic; WhiteNoise serves from the finders anyway.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve static files straight from the finders: `make demo` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin shows each change's history; going back to an older version is a new entry through
# the usual doors (results.py's checks and the official lock), never a revert from the history.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"championships": {"handlers": ["console"], "level": "INFO"}},
}
