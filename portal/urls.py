from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.core.health import health
from tasks_registry import views as tasks_views

api_v1 = [
    path("", include("committees.api.urls")),
    path("", include("portal.indicators.api.urls")),
]

urlpatterns = [
    path("", include("portal.dashboards.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("org/", include("committees.urls")),
    path("tasks/", include("tasks_registry.urls")),
    path("public/task-lists/", tasks_views.public_lists, name="public_task_lists"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]
