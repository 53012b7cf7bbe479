from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.core.api import RolePermission, ScopedViewSet
from portal.indicators import filtersets, services
from portal.indicators.api import serializers
from portal.indicators.models import ComputationRun, Result, Target
from portal.indicators.registry import INDICATORS


class IndicatorList(APIView):
    """The seven indicators: code, names, unit (rate or count), direction and definition."""

    @extend_schema(responses=serializers.IndicatorSerializer(many=True))
    def get(self, request: Request) -> Response:
        data = [{"code": i.code, "name": str(i.name), "name_zh": i.name_zh, "unit": i.unit, "direction": i.direction,
                 "definition": str(i.definition), "scopes": list(i.scopes)} for i in INDICATORS]
        return Response(serializers.IndicatorSerializer(data, many=True).data)


class ResultViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Computed results in the user's scope, and the city's row. The numbers the dashboards show."""

    queryset = Result.objects.all()
    serializer_class = serializers.ResultSerializer
    permission_classes = [RolePermission]
    filterset_class = filtersets.ResultFilterSet

    def get_model(self) -> type:
        return Result

    def get_queryset(self):  # noqa: ANN201
        return self.queryset.restrict(self.request.user).order_by("year", "indicator", "scope", "code")


class TargetViewSet(ScopedViewSet):
    """Targets: read by everyone with the dashboards, written by district staff for their district."""

    queryset = Target.objects.all()
    serializer_class = serializers.TargetSerializer
    filterset_class = filtersets.TargetFilterSet


class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Computation runs. POST {"year": Y} starts one (or returns the one already in flight for that year)."""

    queryset = ComputationRun.objects.select_related("triggered_by")
    serializer_class = serializers.RunSerializer
    permission_classes = [RolePermission]
    filterset_class = filtersets.RunFilterSet

    def get_model(self) -> type:
        return ComputationRun

    @extend_schema(request=serializers.RecomputeSerializer, responses={202: serializers.RunSerializer})
    def create(self, request: Request) -> Response:
        form = serializers.RecomputeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        run = services.request_recompute(year=form.validated_data["year"], actor=request.user,
                                         trigger=ComputationRun.Trigger.API)
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)
