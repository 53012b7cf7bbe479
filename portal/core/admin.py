from django.contrib import admin

from portal.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited."""

    list_display = ["at", "actor", "source", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["source", "object_type"]
    search_fields = ["object_id", "object_repr", "action"]
    list_select_related = ["actor"]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False


# The admin is not scoped by restrict(): it is for platform administrators only, never for role staff.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser  # type: ignore[method-assign]
