from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from committees import filtersets
from committees.api import serializers
from committees.interchange import services
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    OrgImport,
    Qualification,
    Street,
)
from portal.core.api import ScopedReadViewSet, ScopedViewSet


class DistrictViewSet(ScopedViewSet):
    queryset = District.objects.all()
    serializer_class = serializers.DistrictSerializer
    filterset_class = filtersets.DistrictFilterSet
    http_method_names = ["get", "patch", "head", "options"]


class StreetViewSet(ScopedViewSet):
    queryset = Street.objects.all()
    serializer_class = serializers.StreetSerializer
    filterset_class = filtersets.StreetFilterSet


class CommitteeViewSet(ScopedViewSet):
    queryset = Committee.objects.all()
    serializer_class = serializers.CommitteeSerializer
    filterset_class = filtersets.CommitteeFilterSet


class CommitteeYearViewSet(ScopedViewSet):
    queryset = CommitteeYear.objects.all()
    serializer_class = serializers.CommitteeYearSerializer
    filterset_class = filtersets.CommitteeYearFilterSet


class CommunityWorkerViewSet(ScopedViewSet):
    queryset = CommunityWorker.objects.prefetch_related(
        Prefetch("qualifications", queryset=Qualification.objects.order_by("obtained_on"))
    )
    serializer_class = serializers.CommunityWorkerSerializer
    filterset_class = filtersets.CommunityWorkerFilterSet


class QualificationViewSet(ScopedViewSet):
    queryset = Qualification.objects.all()
    serializer_class = serializers.QualificationSerializer
    filterset_class = filtersets.QualificationFilterSet


class CommunityFundViewSet(ScopedViewSet):
    queryset = CommunityFund.objects.all()
    serializer_class = serializers.CommunityFundSerializer
    filterset_class = filtersets.CommunityFundFilterSet


class OrgImportViewSet(ScopedReadViewSet):
    """Organisation imports, as on the import page: upload (checked, nothing written), then confirm.

    The check and the import run in the request for small files and in a Celery task for big ones;
    poll the import until `status` leaves `checking` / `applying`.
    """

    queryset = OrgImport.objects.select_related("actor")
    serializer_class = serializers.OrgImportSerializer
    parser_classes = [MultiPartParser]
    filterset_fields = ["status"]

    @extend_schema(request=serializers.OrgImportUploadSerializer, responses={201: serializers.OrgImportSerializer})
    def create(self, request: Request) -> Response:
        upload = serializers.OrgImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        org_import = services.org_import_start(actor=request.user, files=upload.validated_data["files"])
        org_import.refresh_from_db()
        return Response(self.get_serializer(org_import).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: serializers.OrgImportSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Import a checked file (the model action "confirm"): 404 outside the user's unit, 400 when the file
        is not waiting for confirmation."""
        org_import = services.org_import_confirm(actor=request.user, pk=_pk(pk))
        org_import.refresh_from_db()
        return Response(self.get_serializer(org_import).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: serializers.OrgImportSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Set aside a checked file that was not imported (the model action "cancel")."""
        org_import = services.org_import_cancel(actor=request.user, pk=_pk(pk))
        org_import.refresh_from_db()
        return Response(self.get_serializer(org_import).data, status=status.HTTP_200_OK)


def _pk(value: str) -> int:
    """A primary key from the URL; anything else is no import at all (404)."""
    try:
        return int(value)
    except ValueError:
        raise OrgImport.DoesNotExist from None
