from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from committees import filtersets
from committees.api import serializers
from committees.interchange import services
from committees.interchange.schema import SHEET_BY_NAME
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

    def get_queryset(self) -> QuerySet:
        # `changes` (up to MAX_LISTED_CHANGES rows of JSON an import) is read only by changes/; lists and the
        # detail clients poll while a step runs get what they say of it from the database.
        queryset = super().get_queryset()
        return queryset if self.action == "changes" else services.with_changes_summary(queryset)

    def _read(self, org_import: OrgImport) -> dict:
        """The import a service returned, as the API shows it: read again as the user may view it (the service
        authorised its own action, not the read), so that nothing reaches the response outside restrict()."""
        visible = OrgImport.objects.restrict(self.request.user, "view").select_related("actor")
        return self.get_serializer(services.with_changes_summary(visible).get(pk=org_import.pk)).data

    @extend_schema(request=serializers.OrgImportUploadSerializer, responses={201: serializers.OrgImportSerializer})
    def create(self, request: Request) -> Response:
        upload = serializers.OrgImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        org_import = services.org_import_start(actor=request.user, files=upload.validated_data["files"])
        return Response(self._read(org_import), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: serializers.OrgImportSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Import a checked file (the model action "confirm"): 404 outside the user's unit, 400 when the file
        is not waiting for confirmation. When the data changed since the check (another import was confirmed),
        nothing is imported: the file is checked again (`status` back to `valid`, `rechecked` true, `message`
        says why), at once for a small file, or once its step ran for a big one."""
        org_import = services.org_import_confirm(actor=request.user, pk=_pk(pk))
        return Response(self._read(org_import), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: serializers.OrgImportSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Set aside a checked file that was not imported (the model action "cancel")."""
        org_import = services.org_import_cancel(actor=request.user, pk=_pk(pk))
        return Response(self._read(org_import), status=status.HTTP_200_OK)

    @extend_schema(parameters=[serializers.OrgImportChangesQuery],
                   responses={200: serializers.OrgImportChangePageSerializer})
    @action(detail=True, methods=["get"])
    def changes(self, request: Request, pk: str) -> Response:
        """The rows a checked file will create or update (`listing` "planned"), or an imported one did
        ("applied"), 50 a page, as the import page lists them; none in any other status. 400 for an unknown
        sheet or page number, 404 for a page past the end."""
        org_import = self.get_object()
        query = serializers.OrgImportChangesQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        listing, rows, withheld = services.listed_changes(org_import)
        wanted = query.validated_data.get("sheet")
        page = self.paginate_queryset([(name, row) for name in SHEET_BY_NAME if wanted in (None, name)
                                       for row in rows.get(name, ())])
        entries = [serializers.change_entry(name, row, withheld=name in withheld) for name, row in page]
        response = self.get_paginated_response(serializers.OrgImportChangeSerializer(entries, many=True).data)
        listed = sum(map(len, rows.values()))
        response.data = {"listing": listing, **response.data,
                         "not_listed": max(0, org_import.changes.get("count", 0) - listed) if listing else 0}
        return response


def _pk(value: str) -> int:
    """A primary key from the URL; anything else is no import at all (404)."""
    try:
        return int(value)
    except ValueError:
        raise OrgImport.DoesNotExist from None
