from django.contrib import admin

from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    Department,
    District,
    OrgImport,
    Qualification,
    SpaceStandard,
    Street,
)
from portal.core.admin import AuditedAdminMixin, QueryInitialMixin


class CodeReadonlyOnChange:
    """Codes are primary keys: changing one would create a second row, so it is fixed once saved."""

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201
        return ("code",) if obj else ()


@admin.register(District)
class DistrictAdmin(CodeReadonlyOnChange, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "merge_threshold"]
    search_fields = ["code", "name"]


@admin.register(Street)
class StreetAdmin(CodeReadonlyOnChange, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]


@admin.register(Committee)
class CommitteeAdmin(QueryInitialMixin, CodeReadonlyOnChange, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "street", "established_on", "dissolved_on", "transition"]
    list_filter = ["kind", "transition", "street__district"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]
    autocomplete_fields = ["street"]


@admin.register(CommitteeYear)
class CommitteeYearAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["committee", "year", "households", "resident_households", "office_area_m2", "elder_area_m2", "work_fund_yuan"]
    list_filter = ["year"]
    search_fields = ["committee__code", "committee__name"]
    list_select_related = ["committee"]
    autocomplete_fields = ["committee"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(CommunityWorker)
class CommunityWorkerAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "position", "committee", "hired_on", "left_on"]
    search_fields = ["code", "name", "committee__name"]
    list_select_related = ["committee"]
    autocomplete_fields = ["committee"]
    inlines = [QualificationInline]


@admin.register(Qualification)
class QualificationAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["worker", "level", "obtained_on"]
    list_filter = ["level"]
    search_fields = ["worker__code", "worker__name"]
    autocomplete_fields = ["worker"]


@admin.register(CommunityFund)
class CommunityFundAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "street", "established_on"]
    list_filter = ["kind"]
    search_fields = ["name", "street__name"]
    autocomplete_fields = ["street"]


@admin.register(SpaceStandard)
class SpaceStandardAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["district", "from_year", "office_min_m2", "elder_min_m2", "source"]
    list_filter = ["district"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(OrgImport)
class OrgImportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A stuck import (a worker died while it ran) can be read, its status set, or deleted here."""

    list_display = ["created_at", "file_name", "source", "status", "actor", "district", "street", "rows_done",
                    "rows_total", "error_count", "finished_at"]
    list_filter = ["status", "source"]
    search_fields = ["file_name", "actor__username", "district__code", "street__code", "street__name"]
    list_select_related = ["actor", "district", "street"]
    raw_id_fields = ["actor", "district", "street"]
