from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.core.audit import audit, snapshot
from portal.core.forms import guard_free_text
from portal.core.models import (
    AuditEntry,
    CommitteeGroupObjectPermission,
    CommitteeUserObjectPermission,
    DistrictGroupObjectPermission,
    DistrictUserObjectPermission,
    Notification,
    StreetGroupObjectPermission,
    StreetUserObjectPermission,
    SubmissionToken,
)


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


class FreeTextAdminMixin:
    """A repair in the admin is input like any other: its free-text fields refuse control and bidirectional
    formatting characters and have a length limit, as every form's (portal.core.forms.guard_free_text; issue 13)."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None:
            guard_free_text(field)
        return field


class AuditedAdminMixin(FreeTextAdminMixin):
    """A superuser's repair in the admin leaves an audit entry like every other write: who, before and after
    (action "<model>.admin_add" / "admin_change" / "admin_delete"), in the admin's own transaction. Its free text
    is checked (FreeTextAdminMixin)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        before = snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        audit(actor=request.user, action=f"{obj._meta.model_name}.admin_{'change' if change else 'add'}",
              instance=obj, before=before, after=snapshot(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)  # type: ignore[misc]
        obj.pk = pk
        audit(actor=request.user, action=f"{obj._meta.model_name}.admin_delete", instance=obj, before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdminMixin:
    """A record of what happened (an audit entry, a request's or report's event): read in the admin, never
    added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit trail is never edited."""

    list_display = ["at", "actor", "source", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["source", "object_type"]
    search_fields = ["object_id", "object_repr", "action"]
    list_select_related = ["actor"]


@admin.register(Notification)
class NotificationAdmin(FreeTextAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "text", "read_at"]
    search_fields = ["text", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(SubmissionToken)
class SubmissionTokenAdmin(FreeTextAdminMixin, admin.ModelAdmin):
    """A stuck one-submit token (a form submitted once, its result kept for a repeat) can be deleted here."""

    list_display = ["created_at", "user", "path", "result_url"]
    search_fields = ["token", "path", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class _GrantAdmin(FreeTextAdminMixin, admin.ModelAdmin):
    """A django-guardian object permission on a district, street or committee (one user or group, one unit)."""

    list_select_related = ["permission__content_type", "content_object"]
    raw_id_fields = ["content_object"]


class _UserGrantAdmin(_GrantAdmin):
    list_display = ["user", "permission", "content_object"]
    search_fields = ["user__username", "content_object__code", "content_object__name"]
    list_select_related = [*_GrantAdmin.list_select_related, "user"]
    raw_id_fields = [*_GrantAdmin.raw_id_fields, "user"]


class _GroupGrantAdmin(_GrantAdmin):
    list_display = ["group", "permission", "content_object"]
    search_fields = ["group__name", "content_object__code", "content_object__name"]
    list_select_related = [*_GrantAdmin.list_select_related, "group"]


for _model in (DistrictUserObjectPermission, StreetUserObjectPermission, CommitteeUserObjectPermission):
    admin.site.register(_model, _UserGrantAdmin)
for _model in (DistrictGroupObjectPermission, StreetGroupObjectPermission, CommitteeGroupObjectPermission):
    admin.site.register(_model, _GroupGrantAdmin)

# django-axes's app has no verbose name ("Axes" on the admin index); its models' names are translated through
# locale/zh_Hans (axes ships no zh_Hans catalogue). Set here, after the app registry is ready, since "axes" is
# installed by its module name.
apps.get_app_config("axes").verbose_name = _("Login protection")

# The admin is not scoped by restrict(): it is for platform administrators only, never for role staff.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser  # type: ignore[method-assign]
