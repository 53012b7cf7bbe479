from rest_framework import serializers

from committees.interchange.services import progress_of
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
from portal.core.api import NormalisedCodesMixin, ValidatedModelSerializer


# Codes, staff numbers and the units rows name (a street's district, a worker's committee) are read in their
# canonical form (NormalisedCodesMixin): `３１０１０１００１` or a code pasted with a zero-width space is the same unit.
class DistrictSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "merge_threshold"]
        read_only_fields = ["code", "name"]


class StreetSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = Street
        fields = ["code", "district", "name", "kind"]
        normalised_fields = ["code"]


class CommitteeSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = Committee
        fields = ["code", "street", "name", "kind", "established_on", "dissolved_on", "transition"]
        normalised_fields = ["code"]


class CommitteeYearSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = CommitteeYear
        fields = ["id", "committee", "year", "households", "resident_households", "office_area_m2", "elder_area_m2",
                  "work_fund_yuan", "updated_at"]
        # The unique (committee, year) rule is checked by full_clean with a Chinese message.
        validators: list = []


class QualificationSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "worker", "level", "obtained_on"]
        validators: list = []


class CommunityWorkerSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    qualifications = serializers.SerializerMethodField()

    class Meta:
        model = CommunityWorker
        fields = ["id", "code", "committee", "name", "position", "hired_on", "left_on", "qualifications"]
        normalised_fields = ["code"]  # the staff number

    def get_qualifications(self, worker: CommunityWorker) -> list[dict]:
        return [{"level": q.level, "obtained_on": q.obtained_on} for q in worker.qualifications.all()]


class CommunityFundSerializer(NormalisedCodesMixin, ValidatedModelSerializer):
    class Meta:
        model = CommunityFund
        fields = ["id", "street", "name", "kind", "established_on"]
        validators: list = []


class OrgImportSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rows_done = serializers.SerializerMethodField()
    rows_total = serializers.SerializerMethodField()

    class Meta:
        model = OrgImport
        fields = ["id", "status", "source", "file_name", "file_size", "actor", "district", "street", "created_at",
                  "checked_at", "finished_at", "rows_done", "rows_total", "counts", "error_count", "errors", "warnings"]
        read_only_fields = fields

    def _progress(self, obj) -> tuple[int, int | None]:  # noqa: ANN001
        return progress_of(obj) if obj.running else (obj.rows_done, obj.rows_total)

    def get_rows_done(self, obj) -> int:  # noqa: ANN001
        return self._progress(obj)[0]

    def get_rows_total(self, obj) -> int | None:  # noqa: ANN001
        return self._progress(obj)[1]


class OrgImportUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                  help_text="One .xlsx workbook, or one or more <sheet>.csv files (UTF-8).")
