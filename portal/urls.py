from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from certificates import views as certificate_views
from portal.core import audit_views, error_pages, notification_views
from portal.core.api_docs import ApiDocsView
from portal.core.health import health
from tasks_registry import views as tasks_views

api_v1 = [
    path("", include("committees.api.urls")),
    path("", include("portal.indicators.api.urls")),
    path("", include("tasks_registry.api.urls")),
    path("", include("certificates.api.urls")),
    path("", include("portal.workdays.api.urls")),
    path("", include("portal.core.audit_api")),
]

urlpatterns = [
    path("", include("portal.dashboards.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("org/", include("committees.urls")),
    path("tasks/", include("tasks_registry.urls")),
    path("certificates/", include("certificates.urls")),
    path("calendar/", include("portal.workdays.urls")),
    path("public/certificates/", certificate_views.public_list, name="public_certificates"),
    path("public/task-lists/", tasks_views.public_lists, name="public_task_lists"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("notifications/read/", notification_views.notification_read_all, name="notifications_read"),
    path("audit/", audit_views.audit_list, name="audit_trail"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit_export"),
]

# Error pages in the portal's layout and language (issue 15); 400.html and 500.html are Django's, standalone.
handler403 = error_pages.permission_denied
handler404 = error_pages.page_not_found
