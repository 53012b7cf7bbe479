from django.contrib import admin

from portal.core.admin import AuditedAdminMixin, QueryInitialMixin, ReadOnlyAdminMixin
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    ReportEvent,
    RequestEvent,
    TaskItem,
    TaskList,
    ViolationReport,
)


@admin.register(TaskList)
class TaskListAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "level", "district", "year", "status", "published_at"]
    list_filter = ["level", "status", "year"]
    search_fields = ["district__code", "district__name"]
    list_select_related = ["district"]
    raw_id_fields = ["district", "copied_from"]


@admin.register(TaskItem)
class TaskItemAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "task_list", "category", "responsible_unit", "exited_at"]
    list_filter = ["category", "task_list__level", "task_list__year"]
    search_fields = ["code", "title", "responsible_unit"]
    list_select_related = ["task_list__district"]
    raw_id_fields = ["task_list"]


@admin.register(AdmissionRequest)
class AdmissionRequestAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "title", "status", "applicant", "district", "department", "submitted_at",
                    "review_due_on"]
    list_filter = ["status", "category"]
    search_fields = ["title", "applicant__username", "district__code", "department__name"]
    list_select_related = ["applicant", "district", "department"]
    raw_id_fields = ["applicant", "district", "department", "street", "filed_item"]


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A request's history: read-only."""

    list_display = ["at", "request", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["request__title", "actor__username", "text"]
    list_select_related = ["request", "actor"]


@admin.register(Dispatch)
class DispatchAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["item", "committee", "starts_on", "due_on", "sent_by", "sent_at"]
    search_fields = ["item__code", "item__title", "committee__code", "committee__name"]
    list_select_related = ["item", "committee", "sent_by"]
    raw_id_fields = ["item", "committee", "sent_by"]


@admin.register(RefusedDispatch)
class RefusedDispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of a refused attempt: read-only."""

    list_display = ["attempted_at", "title", "committee", "year", "attempted_by"]
    list_filter = ["year"]
    search_fields = ["title", "committee__code", "committee__name", "item__code"]
    list_select_related = ["committee", "attempted_by"]


@admin.register(ViolationReport)
class ViolationReportAdmin(QueryInitialMixin, AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "status", "committee", "sender", "sent_on", "department", "outcome", "created_at"]
    list_filter = ["status", "outcome"]
    search_fields = ["title", "sender", "committee__code", "committee__name"]
    list_select_related = ["committee", "department"]
    raw_id_fields = ["committee", "reporter", "department"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A report's history: read-only."""

    list_display = ["at", "report", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["report__title", "actor__username", "text"]
    list_select_related = ["report", "actor"]
