from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest

from portal.core.models import AuditEntry


class QueryInitialMixin:
    """An add page's initial values from its query (`?worker=12`) are kept only where the field can read them:
    Django's autocomplete widget looks an unreadable one up and fails (`?worker=abc` answered 500, issue 12)."""

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)  # type: ignore[misc]
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)  # type: ignore[attr-defined]
            except FieldDoesNotExist:
                continue
            target = field.target_field if field.is_relation else field
            try:
                for item in value if isinstance(value, list) else [value]:
                    target.to_python(item)
            except ValidationError:
                del initial[name]
        return initial


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
