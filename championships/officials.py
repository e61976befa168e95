"""The Officials group: enter and correct start lists and results, and nothing else."""

import http.cookiejar
import secrets

OFFICIALS_GROUP = "Officials"

# (model, actions) officials may use in the admin.
OFFICIAL_PERMISSIONS = {
    "result": ("add", "change", "delete", "view"),
    "start": ("add", "change", "delete", "view"),
    # They set a championship up too: its kind's distances, its skaters (issue 15).
    "championship": ("add", "change", "view"),
    "distance": ("add", "change", "view"),
    "venue": ("add", "view"),
    "skater": ("add", "change", "view"),
    "personalbest": ("add", "change", "delete", "view"),
    "timingtoken": ("view", "change"),  # see the timing devices' tokens and revoke them
}


def ensure_officials_group(Group, Permission):
    """The group with exactly its permissions; takes the models so a migration can call it too."""
    group, _ = Group.objects.get_or_create(name=OFFICIALS_GROUP)
    codenames = [f"{action}_{model}" for model, actions in OFFICIAL_PERMISSIONS.items() for action in actions]
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="championships", codename__in=codenames)
    )
    return group


def ensure_official(username="official"):
    """A staff login in the Officials group with a fresh password; returns (username, password)."""
    from django.contrib.auth.models import Group, Permission, User

    password = secrets.token_urlsafe(9)
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.add(ensure_officials_group(Group, Permission))
    return username, password


def session_key_for(user):
    """A logged-in session for `user`, made in the database: for the tools that post to a running
    server's admin as that official (`manage.py replay --server`, bench/)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def session_cookies(host, session_key, csrf):
    """The cookies of a browser on `host` logged in with `session_key` (session_key_for) and
    holding the CSRF secret `csrf`, for posting to a running server's admin."""
    from django.conf import settings

    jar = http.cookiejar.CookieJar()
    for name, value in ((settings.SESSION_COOKIE_NAME, session_key), (settings.CSRF_COOKIE_NAME, csrf)):
        jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )
    return jar
