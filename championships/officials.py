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
