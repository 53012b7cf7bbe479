from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from committees.interchange.schema import SHEET_BY_NAME, SHEETS
from committees.interchange.services import LISTINGS, progress_of, was_rechecked
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
from committees.selectors import committee_year_warnings, worker_warnings
from portal.core.api import ValidatedModelSerializer


# Codes, staff numbers and the units rows name (a street's district, a worker's committee) are read in their
# canonical form (ValidatedModelSerializer: CodeFields and related keys): `３１０１０１００１` or a code pasted with a
# zero-width space is the same unit.
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


# Plausibility warnings (issue 15): what the pages say after saving, never a refusal; read-only in the response.
_WARNINGS = serializers.ListField(child=serializers.CharField())


class CommitteeYearSerializer(ValidatedModelSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = CommitteeYear
        fields = ["id", "committee", "year", "households", "resident_households", "office_area_m2", "elder_area_m2",
                  "work_fund_yuan", "updated_at", "warnings"]
        # The unique (committee, year) rule is checked by full_clean with a Chinese message.
        validators: list = []

    @extend_schema_field(_WARNINGS)
    def get_warnings(self, record: CommitteeYear) -> list[str]:
        return committee_year_warnings(record)


class QualificationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "worker", "level", "obtained_on"]
        validators: list = []


class CommunityWorkerSerializer(ValidatedModelSerializer):
    qualifications = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = CommunityWorker
        fields = ["id", "code", "committee", "name", "position", "hired_on", "left_on", "qualifications", "warnings"]

    def get_qualifications(self, worker: CommunityWorker) -> list[dict]:
        return [{"level": q.level, "obtained_on": q.obtained_on} for q in worker.qualifications.all()]

    @extend_schema_field(_WARNINGS)
    def get_warnings(self, worker: CommunityWorker) -> list[str]:
        return worker_warnings(worker)


class CommunityFundSerializer(ValidatedModelSerializer):
    class Meta:
        model = CommunityFund
        fields = ["id", "street", "name", "kind", "established_on"]
        validators: list = []


class OrgImportChangesSummarySerializer(serializers.Serializer):
    """The check's changes at a glance; the rows themselves are at /api/v1/imports/{id}/changes/."""

    listing = serializers.CharField(allow_null=True, help_text=(
        "`planned`: what confirming will change (status `valid`); `applied`: what the import changed (status "
        "`done`); null: nothing is listed (the file is being processed, or nothing was written)."))
    count = serializers.IntegerField(help_text=(
        "Rows created or updated (to be, while `planned`), listed at changes/ or not (at most 10,000 are)."))


class OrgImportSerializer(serializers.ModelSerializer):
    """An organisation import. Its rows of changes are listed at changes/ (the viewset reads the import with
    services.with_changes_summary, without them). After a confirmation that found the data changed since the
    check, `rechecked` and `message` say why nothing was imported."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rows_done = serializers.SerializerMethodField()
    rows_total = serializers.SerializerMethodField()
    rechecked = serializers.SerializerMethodField(help_text=(
        "True when a confirmation found the data changed since the check (another import was confirmed, say): "
        "nothing was imported and the file is checked again (status `valid`) with the new changes to review."))
    message = serializers.SerializerMethodField(help_text="What happened and what to do, when `rechecked`.")
    changes = serializers.SerializerMethodField()

    class Meta:
        model = OrgImport
        fields = ["id", "status", "source", "file_name", "file_size", "actor", "district", "street", "created_at",
                  "checked_at", "finished_at", "rows_done", "rows_total", "counts", "error_count", "errors", "warnings",
                  "rechecked", "message", "changes"]
        read_only_fields = fields

    def _progress(self, obj) -> tuple[int, int | None]:  # noqa: ANN001
        return progress_of(obj) if obj.running else (obj.rows_done, obj.rows_total)

    def get_rows_done(self, obj) -> int:  # noqa: ANN001
        return self._progress(obj)[0]

    def get_rows_total(self, obj) -> int | None:  # noqa: ANN001
        return self._progress(obj)[1]

    def get_rechecked(self, obj) -> bool:  # noqa: ANN001
        return was_rechecked(obj)

    def get_message(self, obj) -> str | None:  # noqa: ANN001
        if not was_rechecked(obj):
            return None
        return _("Nothing was imported: the data changed after the check (another import was confirmed, for "
                 "example). Review the new changes, then confirm again.")

    @extend_schema_field(OrgImportChangesSummarySerializer)
    def get_changes(self, obj) -> dict:  # noqa: ANN001
        listing = LISTINGS.get(obj.status)
        return {"listing": listing, "count": (obj.changes_count or 0) if listing else 0}


class OrgImportChangesQuery(serializers.Serializer):
    sheet = serializers.ChoiceField(choices=[sheet.name for sheet in SHEETS], required=False,
                                    help_text="Only the rows of this sheet; every sheet, in the file's order, if absent.")
    page = serializers.IntegerField(min_value=1, required=False, help_text="A page number (50 rows a page).")


class OrgImportChangeValueSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column's key in the format (`households`).")
    label = serializers.CharField(help_text="The column's header in the format (`管辖户数`).")
    old = serializers.CharField(allow_null=True, help_text=(
        "The stored value, as the file writes it (— for blank); null for a row to create, and for a withheld row."))
    new = serializers.CharField(allow_null=True, help_text="The file's value; null for a withheld row.")


class OrgImportChangeSerializer(serializers.Serializer):
    """A row the import creates or updates (to be, or did), as the import page lists it."""

    sheet = serializers.CharField(help_text="The sheet's name in the format (`committee_years`).")
    row = serializers.IntegerField(help_text="The row's number in the file.")
    action = serializers.CharField(help_text="`created` or `updated`.")
    key = serializers.CharField(help_text="The row's key, parts joined by “ / ” (`310101013018 / 2025`).")
    name = serializers.CharField(allow_blank=True, help_text="Its name, for the sheets that have one; blank once withheld.")
    values = OrgImportChangeValueSerializer(many=True, help_text=(
        "An update's changed fields, old and new; a row to create's values besides key and name."))
    withheld = serializers.BooleanField(help_text="A person's row once imported: which fields changed, no values.")


def change_entry(sheet: str, row: dict, *, withheld: bool) -> dict:
    """A stored change (ImportReport.changes) in the shape of OrgImportChangeSerializer."""
    labels = {column.key: column.label for column in SHEET_BY_NAME[sheet].columns}
    return {"sheet": sheet, "row": row["row"], "action": row["action"], "key": row["key"], "name": row["name"],
            "values": [{"column": key, "label": labels.get(key, key), "old": old, "new": new}
                       for key, old, new in row["fields"]], "withheld": withheld}


class OrgImportChangePageSerializer(serializers.Serializer):
    listing = serializers.CharField(allow_null=True, help_text="As `changes.listing` of the import.")
    count = serializers.IntegerField(help_text="Rows listed (of the sheet asked for).")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    not_listed = serializers.IntegerField(help_text=(
        "Rows created or updated beyond the 10,000 listed (every sheet); the counts include them."))
    results = OrgImportChangeSerializer(many=True)


class OrgImportUploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False,
                                  help_text="One .xlsx workbook, or one or more <sheet>.csv files (UTF-8).")
