from django.urls import path

from .consumers import ChampionshipConsumer

websocket_urlpatterns = [
    path("ws/<slug:slug>/", ChampionshipConsumer.as_asgi()),
]
