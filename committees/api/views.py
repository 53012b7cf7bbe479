from django.db.models import Prefetch

from committees import filtersets
from committees.api import serializers
from committees.models import Committee, CommitteeYear, CommunityFund, CommunityWorker, District, Qualification, Street
from portal.core.api import ScopedViewSet


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
