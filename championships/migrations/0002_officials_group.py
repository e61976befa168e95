from django.contrib.auth.management import create_permissions
from django.db import migrations

from championships.officials import OFFICIALS_GROUP, ensure_officials_group


def create_officials_group(apps, schema_editor):
    # Permissions are normally created after all migrations; officials need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_officials_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_officials_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=OFFICIALS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("championships", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_officials_group, remove_officials_group)]
