"""Any change of results or start lists, from the admin, a command or a file, goes live."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import live
from .models import Result, Start


@receiver([post_save, post_delete], sender=Result)
@receiver([post_save, post_delete], sender=Start)
def results_changed(sender, instance, **kwargs):
    live.championship_changed(instance.distance.championship_id)
