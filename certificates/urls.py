from django.urls import path

from certificates import register_views, views

app_name = "certificates"

urlpatterns = [
    path("", views.lookup_page, name="lookup"),
    path("types/<int:pk>/", views.answer, name="answer"),
    path("types/<int:pk>/slip/", views.slip, name="slip"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.type_edit, name="type_add"),
    path("catalogue/<int:pk>/", views.type_edit, name="type_edit"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("register/", register_views.register_list, name="register"),
    path("register/new/", register_views.register_new, name="register_new"),
    path("register/<int:pk>/", register_views.register_detail, name="register_detail"),
    path("register/<int:pk>/print/", register_views.register_print, name="register_print"),
    path("seals/", register_views.seal_register, name="seals"),
    path("statistics/", register_views.statistics, name="statistics"),
]
