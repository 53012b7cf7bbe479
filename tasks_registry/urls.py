from django.urls import path

from tasks_registry import report_views, request_views, views

app_name = "tasks"

urlpatterns = [
    path("lists/", views.list_index, name="list_index"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/publish/", views.list_publish, name="list_publish"),
    path("lists/<int:pk>/next-year/", views.list_next_year, name="list_next_year"),
    path("lists/<int:pk>/export.xlsx", views.list_export, name="list_export"),
    path("lists/<int:pk>/import/", views.list_import, name="list_import"),
    path("lists/<int:list_pk>/items/add/", views.item_edit, name="item_add"),
    path("lists/<int:list_pk>/items/<int:pk>/", views.item_edit, name="item_edit"),
    path("lists/<int:list_pk>/items/<int:pk>/exit/", views.item_exit, name="item_exit"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("received/", views.received, name="received"),
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_edit, name="request_new"),
    path("requests/similar/", request_views.request_similar, name="request_similar"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", request_views.request_edit, name="request_edit"),
    path("requests/<int:pk>/<str:action>/", request_views.request_review, name="request_review"),
    path("requests/<int:pk>/files/<int:event_pk>/", request_views.attachment, name="request_attachment"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/evidence/", report_views.report_evidence, name="report_evidence"),
    path("reports/<int:pk>/<str:action>/", report_views.report_act, name="report_act"),
]
