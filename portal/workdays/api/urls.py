from portal.core.api import Router
from portal.workdays.api import views

app_name = "workdays-api"

router = Router()
router.register("calendar-days", views.CalendarDayViewSet, basename="calendarday")

urlpatterns = router.urls
