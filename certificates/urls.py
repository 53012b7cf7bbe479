from django.urls import path

from certificates.views import catalogue, lookup, register

app_name = "certificates"

urlpatterns = [
    path("", lookup.lookup_page, name="lookup"),
    path("types/<int:pk>/", lookup.answer, name="answer"),
    path("types/<int:pk>/slip/", lookup.slip, name="slip"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/add/", catalogue.type_edit, name="type_add"),
    path("catalogue/<int:pk>/", catalogue.type_edit, name="type_edit"),
    path("catalogue/export.xlsx", catalogue.catalogue_export, name="catalogue_export"),
    path("catalogue/import/", catalogue.catalogue_import, name="catalogue_import"),
    path("register/", register.register_list, name="register"),
    path("register/new/", register.register_new, name="register_new"),
    path("register/<int:pk>/", register.register_detail, name="register_detail"),
    path("register/<int:pk>/print/", register.register_print, name="register_print"),
    path("seals/", register.seal_register, name="seals"),
    path("statistics/", register.statistics, name="statistics"),
]
