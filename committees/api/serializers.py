from rest_framework import serializers

from committees.models import Committee, CommitteeYear, CommunityFund, CommunityWorker, District, Qualification, Street
from portal.core.api import ValidatedModelSerializer


class DistrictSerializer(ValidatedModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "merge_threshold"]
        read_only_fields = ["code", "name"]


class StreetSerializer(ValidatedModelSerializer):
    class Meta:
        model = Street
        fields = ["code", "district", "name", "kind"]


class CommitteeSerializer(ValidatedModelSerializer):
    class Meta:
        model = Committee
        fields = ["code", "street", "name", "kind", "established_on", "dissolved_on", "transition"]


class CommitteeYearSerializer(ValidatedModelSerializer):
    class Meta:
        model = CommitteeYear
        fields = ["id", "committee", "year", "households", "resident_households", "office_area_m2", "elder_area_m2",
                  "work_fund_yuan", "updated_at"]
        # The unique (committee, year) rule is checked by full_clean with a Chinese message.
        validators: list = []


class QualificationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "worker", "level", "obtained_on"]
        validators: list = []


class CommunityWorkerSerializer(ValidatedModelSerializer):
    qualifications = serializers.SerializerMethodField()

    class Meta:
        model = CommunityWorker
        fields = ["id", "code", "committee", "name", "position", "hired_on", "left_on", "qualifications"]

    def get_qualifications(self, worker: CommunityWorker) -> list[dict]:
        return [{"level": q.level, "obtained_on": q.obtained_on} for q in worker.qualifications.all()]


class CommunityFundSerializer(ValidatedModelSerializer):
    class Meta:
        model = CommunityFund
        fields = ["id", "street", "name", "kind", "established_on"]
        validators: list = []
