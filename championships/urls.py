from django.urls import path

from . import paper, views

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
    # Paper for the rink's board and the officials (paper.py).
    path("<slug:slug>/print/start-list/<int:order>/", paper.start_list, name="print_start_list"),
    path("<slug:slug>/print/results/<int:order>/", paper.results, name="print_results"),
    path("<slug:slug>/print/classification/", paper.classification, name="print_classification"),
    # The commentators' desk and broadcast.
    path("<slug:slug>/commentary/", views.commentary, name="commentary"),
    path("<slug:slug>/overlay/", views.overlay, name="overlay"),
    path("<slug:slug>/overlay/help/", views.overlay_help, name="overlay_help"),
    path("<slug:slug>/skaters/<int:skater_id>/", views.skater, name="skater"),
]
