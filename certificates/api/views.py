"""The certificates API: the lookup, the catalogue, the registers and their statistics, scoped like the pages."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import lookup, register, services
from certificates.api import serializers
from certificates.models import CertificateType, Registration, SealUse
from certificates.register_views import statistics_data
from portal.core.api import ScopedReadViewSet


class LookupView(APIView):
    """What a committee may do with a certificate a resident asks for: the matches, best first."""

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=serializers.LookupResultSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("certificates.view_certificatetype"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        matches = lookup.lookup(request.user.district_id, request.query_params.get("q", ""))
        return Response(serializers.LookupResultSerializer(matches, many=True).data)


class CertificateTypeViewSet(ScopedReadViewSet):
    queryset = CertificateType.objects.all()
    serializer_class = serializers.CertificateTypeSerializer
    filterset_fields = ["rule", "jurisdiction", "district"]

    def get_permissions(self):  # noqa: ANN201
        if self.action == "answered":  # counting an answer is part of reading the catalogue
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def answered(self, request: Request, pk: str) -> Response:
        """Count one resident answered with this type (as choosing it on the lookup page does)."""
        certificate = self.get_object()
        if request.user.committee_id:
            services.count_answer(committee_id=request.user.committee_id, certificate=certificate)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistrationViewSet(ScopedReadViewSet):
    """The certificate register. POST registers (or 400 with the route of a do-not-issue type); void with a reason."""

    queryset = Registration.objects.select_related("certificate_type")
    serializer_class = serializers.RegistrationSerializer
    filterset_fields = ["year", "certificate_type", "committee"]

    @extend_schema(request=serializers.RegisterSerializer, responses={201: serializers.RegistrationSerializer})
    def create(self, request: Request) -> Response:
        form = serializers.RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        registration = register.register(actor=request.user, **form.validated_data)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        voided = register.void(actor=request.user, registration=self.get_object(), reason=request.data.get("reason", ""))
        return Response(self.get_serializer(voided).data)

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    @action(detail=False, methods=["get"])
    def statistics(self, request: Request) -> Response:
        """Registrations by type and month, requests turned away by type, voids; the statistics page's numbers."""
        year = request.query_params.get("year", "")
        return Response(statistics_data(request.user, int(year) if year.isdigit() else timezone.localdate().year))


class SealUseViewSet(ScopedReadViewSet):
    queryset = SealUse.objects.all()
    serializer_class = serializers.SealUseSerializer
    filterset_fields = ["item", "committee"]

    @extend_schema(request=serializers.SealUseCreateSerializer, responses={201: serializers.SealUseSerializer})
    def create(self, request: Request) -> Response:
        form = serializers.SealUseCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        use = register.record_seal_use(actor=request.user, **form.validated_data)
        return Response(self.get_serializer(use).data, status=status.HTTP_201_CREATED)
