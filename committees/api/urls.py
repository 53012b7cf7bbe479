from committees.api import views
from portal.core.api import Router

app_name = "committees-api"

router = Router()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("streets", views.StreetViewSet, basename="street")
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("committee-years", views.CommitteeYearViewSet, basename="committeeyear")
router.register("workers", views.CommunityWorkerViewSet, basename="communityworker")
router.register("qualifications", views.QualificationViewSet, basename="qualification")
router.register("funds", views.CommunityFundViewSet, basename="communityfund")
router.register("imports", views.OrgImportViewSet, basename="orgimport")

urlpatterns = router.urls
