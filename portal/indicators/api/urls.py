from django.urls import path
from rest_framework.routers import DefaultRouter

from portal.indicators.api import views

app_name = "indicators-api"

router = DefaultRouter()
router.register("results", views.ResultViewSet, basename="result")
router.register("targets", views.TargetViewSet, basename="target")
router.register("runs", views.RunViewSet, basename="computationrun")

urlpatterns = [path("indicators/", views.IndicatorList.as_view(), name="indicator-list"), *router.urls]
