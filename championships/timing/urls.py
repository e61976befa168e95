from django.urls import path

from . import views

app_name = "timing"

urlpatterns = [path("<slug:slug>/events", views.events, name="events")]
