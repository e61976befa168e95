from django.apps import AppConfig


class ChampionshipsConfig(AppConfig):
    name = "championships"
    verbose_name = "Championships"

    def ready(self):
        from . import login_throttle  # noqa: F401
        from .live import changes  # noqa: F401
