from django.urls import path
from rest_framework.routers import DefaultRouter

from certificates.api import views

app_name = "certificates-api"

router = DefaultRouter()
router.register("certificate-types", views.CertificateTypeViewSet, basename="certificatetype")
router.register("registrations", views.RegistrationViewSet, basename="registration")
router.register("seal-uses", views.SealUseViewSet, basename="sealuse")

urlpatterns = [path("certificate-lookup/", views.LookupView.as_view(), name="lookup"), *router.urls]
