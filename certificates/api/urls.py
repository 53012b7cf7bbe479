from django.urls import path

from certificates.api import views
from portal.core.api import Router

app_name = "certificates-api"

router = Router()
router.register("certificate-types", views.CertificateTypeViewSet, basename="certificatetype")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("seal-uses", views.SealUseViewSet, basename="sealuse")

urlpatterns = [path("certificate-lookup/", views.LookupView.as_view(), name="lookup"), *router.urls]
