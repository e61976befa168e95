from django.urls import path, re_path

from .live.consumer import ChampionshipConsumer, NoSuchFeed

websocket_urlpatterns = [
    path("ws/<slug:slug>/", ChampionshipConsumer.as_asgi()),
    re_path(r"", NoSuchFeed.as_asgi()),
]
