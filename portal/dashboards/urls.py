from django.urls import path

from portal.dashboards import indicators, runs, views

app_name = "dashboards"


urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/", indicators.home, name="indicators_home"),
    path("indicators/recompute/", indicators.recompute, name="recompute"),
    path("indicators/targets/", indicators.target_list, name="targets"),
    path("indicators/targets/add/", indicators.target_edit, name="target_add"),
    path("indicators/targets/<int:pk>/", indicators.target_edit, name="target_edit"),
    path("indicators/runs/<int:pk>/", indicators.run_status, name="run_status"),
    path("indicators/runs/<int:pk>/retry/", runs.run_retry, name="run_retry"),
    path("indicators/runs/<int:pk>/cancel/", runs.run_cancel, name="run_cancel"),
    path("indicators/<str:scope>/<str:code>/", indicators.dashboard, name="indicators"),
    path("indicators/<str:scope>/<str:code>/<str:table>.xlsx", indicators.export, name="indicators_export"),
]
