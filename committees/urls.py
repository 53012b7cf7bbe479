from django.urls import path

from committees import views
from committees.interchange import views as interchange_views

app_name = "committees"

urlpatterns = [
    path("", views.district_list, name="district_list"),
    path("districts/<str:code>/", views.district_detail, name="district_detail"),
    path("streets/<str:code>/", views.street_detail, name="street_detail"),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/<str:code>/", views.committee_detail, name="committee_detail"),
    path("committees/<str:code>/years/add/", views.committee_year_add, name="committeeyear_add"),
    path("years/<int:pk>/edit/", views.committee_year_edit, name="committeeyear_edit"),
    path("years/<int:pk>/row/", views.committee_year_row, name="committeeyear_row"),
    path("committees/<str:code>/workers/add/", views.worker_add, name="worker_add"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/qualifications/add/", views.qualification_add, name="qualification_add"),
    path("grants/", views.access_grants, name="access_grants"),
    path("grants/<int:pk>/revoke/", views.access_revoke, name="access_revoke"),
]

urlpatterns += [
    path("imports/", interchange_views.import_list, name="import_list"),
    path("imports/template.xlsx", interchange_views.import_template, name="import_template"),
    path("imports/<int:pk>/", interchange_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", interchange_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", interchange_views.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/retry/", interchange_views.import_retry, name="import_retry"),
    path("imports/<int:pk>/errors.xlsx", interchange_views.import_errors_xlsx, name="import_errors"),
    path("export.xlsx", interchange_views.export_scope, name="export"),
]
