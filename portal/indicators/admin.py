from django.contrib import admin

from portal.core.admin import AuditedAdminMixin, QueryInitialMixin
from portal.indicators.models import ComputationRun, Result, Target


@admin.register(Target)
class TargetAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "district", "year_from", "year_to", "comparison", "value", "source", "updated_at"]
    list_filter = ["indicator", "comparison"]
    search_fields = ["indicator", "district__code", "district__name", "source"]
    list_select_related = ["district"]
    raw_id_fields = ["district"]


@admin.register(ComputationRun)
class ComputationRunAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    """A stuck run (a worker died while it ran) can be read, its status set, or deleted here."""

    list_display = ["id", "year", "trigger", "status", "progress", "triggered_by", "created_at", "finished_at",
                    "result_count"]
    list_filter = ["status", "trigger", "year"]
    search_fields = ["triggered_by__username"]
    list_select_related = ["triggered_by"]
    raw_id_fields = ["triggered_by"]


@admin.register(Result)
class ResultAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Computed figures: read to check a number; a new run replaces them."""

    list_display = ["indicator", "scope", "code", "year", "value", "numerator", "denominator", "run"]
    list_filter = ["scope", "year", "indicator"]
    search_fields = ["code", "indicator"]
    list_select_related = ["run"]
    raw_id_fields = ["run", "district", "street", "committee"]
