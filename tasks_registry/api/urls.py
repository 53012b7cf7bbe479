from portal.core.api import Router
from tasks_registry.api import views

app_name = "tasks-api"

router = Router()
router.register("task-lists", views.TaskListViewSet, basename="tasklist")
router.register("task-items", views.TaskItemViewSet, basename="taskitem")
router.register("dispatches", views.DispatchViewSet, basename="dispatch")
router.register("refused-dispatches", views.RefusedDispatchViewSet, basename="refuseddispatch")
router.register("admission-requests", views.AdmissionRequestViewSet, basename="admissionrequest")
router.register("violation-reports", views.ViolationReportViewSet, basename="violationreport")

urlpatterns = router.urls
