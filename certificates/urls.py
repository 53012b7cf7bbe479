from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.lookup_page, name="lookup"),
    path("types/<int:pk>/", views.answer, name="answer"),
    path("types/<int:pk>/slip/", views.slip, name="slip"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.type_edit, name="type_add"),
    path("catalogue/<int:pk>/", views.type_edit, name="type_edit"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue_export"),
]
