from django.contrib import admin

from portal.core.admin import AuditedAdminMixin, QueryInitialMixin, ReadOnlyAdminMixin
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    RefusedDispatchCommittee,
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
    list_display = ["item", "committee", "starts_on", "due_on", "sent_by", "sent_at", "received_at", "done_at",
                    "hours_spent"]
    search_fields = ["item__code", "item__title", "committee__code", "committee__name"]
    list_select_related = ["item", "committee", "sent_by"]
    raw_id_fields = ["item", "committee", "sent_by", "received_by", "done_by"]


class RefusedDispatchCommitteeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RefusedDispatchCommittee
    fields = ["committee", "reason"]
    extra = 0


@admin.register(RefusedDispatch)
class RefusedDispatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of a refused attempt, with the committees it was meant for: read-only."""

    list_display = ["attempted_at", "title", "year", "attempted_by"]
    list_filter = ["year"]
    search_fields = ["title", "item__code", "entries__committee__code", "entries__committee__name"]
    list_select_related = ["attempted_by"]
    inlines = [RefusedDispatchCommitteeInline]


@admin.register(RefusedDispatchCommittee)
class RefusedDispatchCommitteeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A committee of a refused attempt: read-only, as its attempt."""

    list_display = ["refusal", "committee", "reason"]
    search_fields = ["committee__code", "committee__name", "refusal__title"]
    list_select_related = ["refusal", "committee"]


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
