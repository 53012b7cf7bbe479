from django.urls import path

from portal.workdays import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("days/add/", views.day_edit, name="calendarday_add"),
    path("days/<int:pk>/", views.day_edit, name="calendarday_edit"),
    path("days/<int:pk>/delete/", views.day_delete, name="calendarday_delete"),
    path("years/add/", views.year_load, name="calendaryear_add"),
    path("years/<int:pk>/delete/", views.year_unload, name="calendaryear_delete"),
]
