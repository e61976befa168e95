"""Any change of results or start lists, from the admin, a command or a file, goes live."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import live
from .models import Distance, Result, Start


@receiver([post_save, post_delete], sender=Result)
@receiver([post_save, post_delete], sender=Start)
def results_changed(sender, instance, origin=None, **kwargs):
    deleted_from = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin is not None and deleted_from not in (Result, Start):
        return  # deleted along with its distance or championship: nothing left to show
    distance = (
        Distance.objects.filter(pk=instance.distance_id).values_list("championship_id", "order").first()
    )
    if distance is not None:
        live.championship_changed(*distance)
