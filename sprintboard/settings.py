"""Sprintboard settings. Everything a deployment changes comes from the environment (CONTRACT.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")
# The fallback key is for the local demo and tests only; a deployment sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-sprintboard-demo-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = [
    host.strip() for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}"
    for host in os.environ.get("CSRF_TRUSTED_HOSTS", "").split(",")
    if host
    for scheme in ("http", "https")
]

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
    "championships",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "championships.login_throttle.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

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
            "BACKEND": "championships.layers.RedisPubSubChannelLayer",
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
LIVE_SEND_BUFFER_LIMIT = int(os.environ.get("LIVE_SEND_BUFFER_LIMIT") or 1024 * 1024)

# Times a senior championship's distances are skated in, by metres (RULES.md "Plausible times"):
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
HTTPS = env_flag("HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_PROXY") else None
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"championships": {"handlers": ["console"], "level": "INFO"}},
}
