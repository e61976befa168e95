import importlib

from django.db import migrations

# The Officials group gets the permissions officials.py gives it now (they set championships up).
officials_group = importlib.import_module("championships.migrations.0002_officials_group")


class Migration(migrations.Migration):
    dependencies = [("championships", "0009_datarules")]

    operations = [migrations.RunPython(officials_group.create_officials_group, migrations.RunPython.noop)]
