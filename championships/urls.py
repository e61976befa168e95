from django.urls import path

from . import views

app_name = "championships"

urlpatterns = [
    path("", views.championship_list, name="list"),
    path("<slug:slug>/", views.standings, name="standings"),
    path("<slug:slug>/standings.json", views.standings_json, name="standings_json"),
    path("<slug:slug>/distances/<int:order>/", views.distance, name="distance"),
    path("<slug:slug>/h2h/", views.head_to_head, name="head_to_head"),
]
