"""The Officials group: enter and correct start lists and results, and nothing else."""

import secrets

OFFICIALS_GROUP = "Officials"

# (model, actions) officials may use in the admin.
OFFICIAL_PERMISSIONS = {
    "result": ("add", "change", "delete", "view"),
    "start": ("add", "change", "delete", "view"),
    "championship": ("view",),
    "distance": ("view",),
    "skater": ("view",),
}


def ensure_official(username="official"):
    """A staff login in the Officials group with a fresh password; returns (username, password)."""
    from django.contrib.auth.models import Group, User

    password = secrets.token_urlsafe(9)
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.is_superuser = False
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=OFFICIALS_GROUP))
    return username, password
