from django.urls import path

from . import views

app_name = "championships"

urlpatterns = [
    path("", views.championship_list, name="list"),
    path("<slug:slug>/", views.standings, name="standings"),
    path("<slug:slug>/tv/", views.tv, name="tv"),
    path("<slug:slug>/standings.json", views.standings_json, name="standings_json"),
    path("<slug:slug>/standings.csv", views.standings_csv, name="standings_csv"),
    path("<slug:slug>/distances/<int:order>/", views.distance, name="distance"),
    path("<slug:slug>/distances/<int:order>/results.csv", views.distance_csv, name="distance_csv"),
    path("<slug:slug>/h2h/", views.head_to_head, name="head_to_head"),
    # The commentators' desk and broadcast.
    path("<slug:slug>/commentary/", views.commentary, name="commentary"),
    path("<slug:slug>/overlay/", views.overlay, name="overlay"),
    path("<slug:slug>/overlay/help/", views.overlay_help, name="overlay_help"),
    path("<slug:slug>/skaters/<int:skater_id>/", views.skater, name="skater"),
]
