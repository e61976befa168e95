"""Saved times are never lost: concurrent officials, and a channel layer that is down."""

import logging
import socket
import threading
from decimal import Decimal

import pytest
from channels.layers import channel_layers
from django.db import close_old_connections, connection

from championships.forms import PairEntryForm
from championships.models import Championship, Distance, Result, Start
from championships.standings import Standings


def save_pair(slug, number, data, barrier, errors):
    try:
        distance = Distance.objects.get(championship__slug=slug, order=4)
        starts = list(Start.objects.filter(distance=distance, pair=number).select_related("skater"))
        form = PairEntryForm(data, distance=distance, starts=starts)
        assert form.is_valid(), form.errors
        barrier.wait(timeout=10)
        form.save()
    except Exception as error:  # reported to the test's thread
        errors.append(error)
    finally:
        close_old_connections()
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_officials_saving_different_pairs_at_once_both_stand(seed_data):
    from championships.championship_file import load

    championship = load(seed_data, results_until=3)
    revision = Championship.objects.get(pk=championship.pk).revision
    barrier, errors = threading.Barrier(2), []
    threads = [
        threading.Thread(
            target=save_pair,
            args=(championship.slug, 4, {"inner": "1:14.25", "outer": "1:12.86"}, barrier, errors),
        ),
        threading.Thread(
            target=save_pair,
            args=(championship.slug, 5, {"inner": "1:13.57", "outer": "1:13.13"}, barrier, errors),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Result.objects.filter(distance__championship=championship, distance__order=4).count() == 4
    rows = {row.skater.name: row for row in Standings(Championship.objects.get(pk=championship.pk)).rows}
    assert rows["Miho Takagi"].points == Decimal("147.545")
    assert rows["Femke Kok"].points == Decimal("148.100")
    assert rows["Jutta Leerdam"].points == Decimal("148.265")
    assert Championship.objects.get(pk=championship.pk).revision == revision + 4


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_saves_stand_when_redis_is_down(seed_data, settings, caplog):
    from championships.championship_file import load
    from championships.forms import result_form

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": f"redis://127.0.0.1:{closed_port()}/0", "socket_timeout": 1}]},
        }
    }
    channel_layers.backends.clear()
    try:
        championship = load(seed_data, results_until=3)
        distance = championship.distances.get(order=4)
        kok = championship.skaters.get(name="Femke Kok")
        with caplog.at_level(logging.ERROR, logger="championships.live"):
            result_form(distance, kok, Decimal("73.57")).save()
        assert Result.objects.get(distance=distance, skater=kok).time == Decimal("73.57")
        assert "the save stands" in caplog.text
    finally:
        channel_layers.backends.clear()
