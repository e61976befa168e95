from django.apps import AppConfig


class ChampionshipsConfig(AppConfig):
    name = "championships"
    verbose_name = "Championships"

    def ready(self):
        from . import signals  # noqa: F401
