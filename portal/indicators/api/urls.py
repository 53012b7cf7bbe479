from django.urls import path

from portal.core.api import Router
from portal.indicators.api import views

app_name = "indicators-api"

router = Router()
router.register("results", views.ResultViewSet, basename="result")
router.register("targets", views.TargetViewSet, basename="target")
router.register("runs", views.RunViewSet, basename="computationrun")

urlpatterns = [path("indicators/", views.IndicatorList.as_view(), name="indicator-list"), *router.urls]
