"""The certificates API: the lookup, the catalogue, the registers and their statistics, scoped like the pages.

Writes go through the same services as the pages; transitions are named actions of restrict(): `void` is the
registration's "void" action, `answered` (counting a resident answered) is reading the type ("view").
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import filtersets, selectors, services
from certificates.api import serializers
from certificates.models import CertificateType, Registration, SealUse
from committees.models import Committee
from portal.core.api import ScopedReadViewSet
from portal.core.scoping import may_ever


def _committee(request: Request, code: str | None, model: type[Registration] | type[SealUse]) -> Committee:
    """The committee named (404 when the reader does not act for it), or the one the reader acts for: the
    selector the pages and their buttons ask (RolePermission answered 403 for a role that never registers)."""
    committee = selectors.acting_committee(actor=request.user, model=model, code=code or None)
    if committee is None:
        raise ValidationError({"committee": [_("Name the committee you register for.")]})
    return committee


class LookupView(APIView):
    """What a committee may do with a certificate a resident asks for: the matches, best first."""

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=serializers.LookupResultSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not may_ever(request.user, CertificateType, "view"):
            raise PermissionDenied
        query = serializers.LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        matches = selectors.certificate_type_lookup(actor=request.user, query=query.validated_data["q"])
        return Response(serializers.LookupResultSerializer(matches, many=True).data)


class CertificateTypeViewSet(ScopedReadViewSet):
    queryset = CertificateType.objects.all()
    serializer_class = serializers.CertificateTypeSerializer
    filterset_class = filtersets.CertificateTypeFilterSet
    named_actions = {"answered": "view"}  # counting an answer is part of reading the catalogue

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def answered(self, request: Request, pk: str) -> Response:
        """Count one resident answered with this type (as choosing it on the lookup page does)."""
        certificate = selectors.certificate_type_get(actor=request.user, pk=self.get_object().pk)
        services.lookup_tally_count(actor=request.user, certificate_type=certificate)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistrationViewSet(ScopedReadViewSet):
    """The certificate register. POST registers (or 400 with the route of a do-not-issue type); void with a reason."""

    queryset = Registration.objects.select_related("certificate_type")
    serializer_class = serializers.RegistrationSerializer
    filterset_class = filtersets.RegistrationFilterSet

    @extend_schema(request=serializers.RegistrationCreateSerializer, responses={201: serializers.RegistrationSerializer})
    def create(self, request: Request) -> Response:
        data = serializers.RegistrationCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        committee = _committee(request, fields.pop("committee", None), Registration)
        registration = services.registration_create(actor=request.user, committee=committee, **fields)
        return Response(self.get_serializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.VoidSerializer, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        """Void a registration of the reader's committee (404 for any other, or one already voided)."""
        registration = self.get_object()
        data = serializers.VoidSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voided = services.registration_void(actor=request.user, registration=registration, **data.validated_data)
        return Response(self.get_serializer(voided).data)

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=serializers.StatisticsSerializer)
    @action(detail=False, methods=["get"])
    def statistics(self, request: Request) -> Response:
        """Registrations by type and month, requests turned away by type, voids; the statistics page's numbers."""
        query = serializers.StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(selectors.registration_statistics(actor=request.user, year=query.validated_data.get("year")))


class SealUseViewSet(ScopedReadViewSet):
    queryset = SealUse.objects.all()
    serializer_class = serializers.SealUseSerializer
    filterset_class = filtersets.SealUseFilterSet

    @extend_schema(request=serializers.SealUseCreateSerializer, responses={201: serializers.SealUseSerializer})
    def create(self, request: Request) -> Response:
        data = serializers.SealUseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        committee = _committee(request, fields.pop("committee", None), SealUse)
        use = services.seal_use_create(actor=request.user, committee=committee, **fields)
        return Response(self.get_serializer(use).data, status=status.HTTP_201_CREATED)
