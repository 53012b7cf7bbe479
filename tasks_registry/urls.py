from django.urls import path

from tasks_registry.views import dispatch, lists, reports, requests

app_name = "tasks"

urlpatterns = [
    path("lists/", lists.list_index, name="list_index"),
    path("lists/<int:pk>/", lists.list_detail, name="list_detail"),
    path("lists/<int:pk>/publish/", lists.list_publish, name="list_publish"),
    path("lists/<int:pk>/next-year/", lists.list_next_year, name="list_next_year"),
    path("lists/<int:pk>/export.xlsx", lists.list_export, name="list_export"),
    path("lists/<int:pk>/import/", lists.list_import, name="list_import"),
    path("lists/<int:list_pk>/items/add/", lists.item_edit, name="item_add"),
    path("lists/<int:list_pk>/items/<int:pk>/", lists.item_edit, name="item_edit"),
    path("lists/<int:list_pk>/items/<int:pk>/exit/", lists.item_exit, name="item_exit"),
    path("dispatch/", dispatch.dispatch, name="dispatch"),
    path("received/", dispatch.received, name="received"),
    path("received/<int:pk>/receive/", dispatch.dispatch_receive_view, name="dispatch_receive"),
    path("received/<int:pk>/complete/", dispatch.dispatch_complete_view, name="dispatch_complete"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_edit, name="request_new"),
    path("requests/similar/", requests.request_similar, name="request_similar"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", requests.request_edit, name="request_edit"),
    path("requests/<int:pk>/<str:action>/", requests.request_review, name="request_review"),
    path("requests/<int:pk>/files/<int:event_pk>/", requests.attachment, name="request_attachment"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/evidence/", reports.report_evidence, name="report_evidence"),
    path("reports/<int:pk>/<str:action>/", reports.report_act, name="report_act"),
]
