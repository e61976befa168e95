from django.apps import AppConfig


class ChampionshipsConfig(AppConfig):
    name = "championships"
    verbose_name = "Championships"

    def ready(self):
        from .live import changes  # noqa: F401
