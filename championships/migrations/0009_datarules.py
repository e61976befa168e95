import re

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

import championships.validators
from championships.times import format_time, parse_time

METERS = {"100", "300", "500", "700", "1000", "1500", "3000", "5000", "10000"}


def personal_bests_to_rows(apps, schema_editor):
    """{"500": "36.81"} becomes PersonalBest rows; what reads as no personal best stays in `extra`."""
    Skater = apps.get_model("championships", "Skater")
    PersonalBest = apps.get_model("championships", "PersonalBest")
    rows = []
    for skater in Skater.objects.exclude(personal_bests_json={}).iterator():
        bests = skater.personal_bests_json
        unreadable = {} if isinstance(bests, dict) else {"": bests}
        for meters, time in bests.items() if isinstance(bests, dict) else ():
            try:
                if meters not in METERS:
                    raise ValueError(meters)
                rows.append(PersonalBest(skater=skater, meters=int(meters), time=parse_time(str(time))))
            except ValueError:
                unreadable[meters] = time
        if unreadable:  # kept, not lost: the dump writes it back out for a person to look at
            skater.extra = {**skater.extra, "pb_not_readable": unreadable}
            skater.save(update_fields=["extra"])
    PersonalBest.objects.bulk_create(rows)


def rows_to_personal_bests(apps, schema_editor):
    PersonalBest = apps.get_model("championships", "PersonalBest")
    bests = {}
    for best in PersonalBest.objects.all():
        bests.setdefault(best.skater, {})[str(best.meters)] = format_time(best.time)
    for skater, json in bests.items():
        skater.personal_bests_json = json
        skater.save(update_fields=["personal_bests_json"])


class Migration(migrations.Migration):
    dependencies = [
        ("championships", "0008_entry"),
    ]

    operations = [
        # The JSON personal bests become PersonalBest rows (renamed first: the rows take the name).
        migrations.RenameField(
            model_name="skater", old_name="personal_bests", new_name="personal_bests_json"
        ),
        migrations.AlterField(
            model_name="championship",
            name="final_places",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="How many skaters qualify for the last distance (allround: 8). Empty: no cut.",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(100),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="championship",
            name="name",
            field=models.CharField(max_length=200, validators=[championships.validators.validate_name]),
        ),
        migrations.AlterField(
            model_name="distance",
            name="order",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(32767),
                ]
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="holder",
            field=models.CharField(
                blank=True, max_length=200, validators=[championships.validators.validate_text]
            ),
        ),
        migrations.AlterField(
            model_name="record",
            name="time",
            field=models.DecimalField(
                decimal_places=2, max_digits=7, validators=[championships.validators.validate_race_time]
            ),
        ),
        migrations.AlterField(
            model_name="result",
            name="note",
            field=models.CharField(
                blank=True, max_length=200, validators=[championships.validators.validate_text]
            ),
        ),
        migrations.AlterField(
            model_name="result",
            name="splits",
            field=models.JSONField(
                blank=True, default=list, validators=[championships.validators.validate_splits]
            ),
        ),
        migrations.AlterField(
            model_name="result",
            name="time",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=7,
                null=True,
                validators=[championships.validators.validate_race_time],
            ),
        ),
        migrations.AlterField(
            model_name="skater",
            name="country",
            field=models.CharField(
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        re.compile("^[A-Z]{3}\\Z"),
                        "A country is three capital letters A-Z, such as NED.",
                        code="country",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="skater",
            name="name",
            field=models.CharField(max_length=200, validators=[championships.validators.validate_name]),
        ),
        migrations.AlterField(
            model_name="start",
            name="pair",
            field=models.PositiveSmallIntegerField(
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(32767),
                ]
            ),
        ),
        migrations.AlterField(
            model_name="venue",
            name="city",
            field=models.CharField(
                blank=True, max_length=100, validators=[championships.validators.validate_text]
            ),
        ),
        migrations.AlterField(
            model_name="venue",
            name="country",
            field=models.CharField(
                blank=True,
                max_length=3,
                validators=[
                    django.core.validators.RegexValidator(
                        re.compile("^[A-Z]{3}\\Z"),
                        "A country is three capital letters A-Z, such as NED.",
                        code="country",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="venue",
            name="name",
            field=models.CharField(max_length=200, validators=[championships.validators.validate_name]),
        ),
        migrations.AddConstraint(
            model_name="championship",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("name"), 200
                    ),
                    django.db.models.lookups.GreaterThanOrEqual(
                        django.db.models.functions.text.Length("name"), 1
                    ),
                ),
                name="championship_name_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="championship",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("slug"), 100
                    ),
                    django.db.models.lookups.GreaterThanOrEqual(
                        django.db.models.functions.text.Length("slug"), 1
                    ),
                ),
                name="championship_slug_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="championship",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("final_places__isnull", True),
                    models.Q(("final_places__gte", 1), ("final_places__lte", 100)),
                    _connector="OR",
                ),
                name="championship_final_places_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="distance",
            constraint=models.CheckConstraint(
                condition=models.Q(("order__lte", 32767)), name="distance_order_fits"
            ),
        ),
        migrations.AddConstraint(
            model_name="distance",
            constraint=models.CheckConstraint(
                condition=models.Q(("meters__in", (100, 300, 500, 700, 1000, 1500, 3000, 5000, 10000))),
                name="distance_meters_skated",
            ),
        ),
        migrations.AddConstraint(
            model_name="record",
            constraint=models.CheckConstraint(
                condition=models.Q(("meters__in", (100, 300, 500, 700, 1000, 1500, 3000, 5000, 10000))),
                name="record_meters_skated",
            ),
        ),
        migrations.AddConstraint(
            model_name="record",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("holder"), 200
                    )
                ),
                name="record_holder_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="result",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("note"), 200
                    )
                ),
                name="result_note_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="skater",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("name"), 200
                    ),
                    django.db.models.lookups.GreaterThanOrEqual(
                        django.db.models.functions.text.Length("name"), 1
                    ),
                ),
                name="skater_name_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="skater",
            constraint=models.CheckConstraint(
                condition=models.Q(("country__regex", "^[A-Z]{3}\\Z")), name="skater_country_code"
            ),
        ),
        migrations.AddConstraint(
            model_name="start",
            constraint=models.CheckConstraint(
                condition=models.Q(("pair__lte", 32767)), name="pair_number_fits"
            ),
        ),
        migrations.AddConstraint(
            model_name="venue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("name"), 200
                    ),
                    django.db.models.lookups.GreaterThanOrEqual(
                        django.db.models.functions.text.Length("name"), 1
                    ),
                ),
                name="venue_name_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="venue",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("city"), 100
                    )
                ),
                name="venue_city_length",
            ),
        ),
        migrations.AddConstraint(
            model_name="venue",
            constraint=models.CheckConstraint(
                condition=models.Q(("country", ""), ("country__regex", "^[A-Z]{3}\\Z"), _connector="OR"),
                name="venue_country_code",
            ),
        ),
        migrations.CreateModel(
            name="PersonalBest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "meters",
                    models.PositiveIntegerField(
                        choices=[
                            (100, "100 m"),
                            (300, "300 m"),
                            (500, "500 m"),
                            (700, "700 m"),
                            (1000, "1000 m"),
                            (1500, "1500 m"),
                            (3000, "3000 m"),
                            (5000, "5000 m"),
                            (10000, "10000 m"),
                        ]
                    ),
                ),
                (
                    "skater",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="personal_bests",
                        to="championships.skater",
                    ),
                ),
                (
                    "time",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=7,
                        validators=[championships.validators.validate_race_time],
                    ),
                ),
            ],
            options={
                "ordering": ["skater", "meters"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("skater", "meters"), name="one_personal_best_per_distance"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("time__gt", 0)), name="personal_best_time_positive"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("meters__in", (100, 300, 500, 700, 1000, 1500, 3000, 5000, 10000))
                        ),
                        name="personal_best_meters_skated",
                    ),
                ],
            },
        ),
        migrations.RunPython(personal_bests_to_rows, rows_to_personal_bests),
        migrations.RemoveField(
            model_name="skater",
            name="personal_bests_json",
        ),
    ]
