"""API plumbing shared by every app: the scoped viewset and the error format (STYLE.md B4, B5)."""

import copy
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.audit import snapshot
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from portal.core.scoping import permission_name
from portal.core.services import record_written

# netbox's HTTP_ACTIONS: which role permission and grant each method needs.
HTTP_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change",
                "DELETE": "delete"}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DomainError -> 400 {code, message, fields}; ProtectedError -> 409; the rest as DRF does."""
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": exc.message, "fields": exc.fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response({"code": "protected", "message": _("Other records depend on this one.")}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)


class RolePermission(permissions.BasePermission):
    """403 before any query when the role lacks the model permission for the request's action."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method.lower() not in view.http_method_names:
            return True  # let DRF answer 405: the method is not offered to anyone
        model = view.get_model()
        return request.user.has_perm(permission_name(model, HTTP_ACTIONS.get(request.method, "view")))


class ScopedViewSet(viewsets.ModelViewSet):
    """Every API view over scoped rows: restrict() on every request, 404 outside scope, 403 without the role.

    Writes run in a transaction and re-check that the saved row is still within the user's scope (netbox
    `_validate_objects`), so a write cannot move a row out of reach or into someone else's unit.
    Subclasses set `queryset` (the base query, with select_related), `serializer_class` and `filterset_class`.
    """

    permission_classes = [RolePermission]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # nothing is deleted through the API

    def get_model(self) -> type:
        return self.queryset.model

    def get_queryset(self):  # noqa: ANN201
        action = HTTP_ACTIONS.get(self.request.method, "view")
        return self.queryset.restrict(self.request.user, action)

    def perform_create(self, serializer: Any) -> None:
        with transaction.atomic():
            instance = serializer.save()
            record_written(actor=self.request.user, instance=instance, action="add", before=None, source=AuditEntry.Source.API)

    def perform_update(self, serializer: Any) -> None:
        with transaction.atomic():
            before = snapshot(type(serializer.instance).objects.select_for_update().get(pk=serializer.instance.pk))
            instance = serializer.save()
            record_written(actor=self.request.user, instance=instance, action="change", before=before,
                           source=AuditEntry.Source.API)


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and read scoped rows, for records whose writes are domain actions (custom create or @action)
    rather than plain saves: restrict() on every request, 404 outside scope, 403 without the role."""

    permission_classes = [RolePermission]

    def get_model(self) -> type:
        return self.queryset.model

    def get_queryset(self):  # noqa: ANN201
        return self.queryset.restrict(self.request.user)


class ValidatedModelSerializer(serializers.ModelSerializer):
    """Model rules hold for the API too: runs `full_clean()` (netbox's ValidatedModelSerializer).

    Related-object choices go through `restrict()`: a code outside the user's scope reads as "does not
    exist", never as "forbidden".
    """

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        pk = self.Meta.model._meta.pk
        if self.instance is not None and not pk.auto_created and pk.name in fields:
            # Codes are primary keys: changing one would insert a second row.
            fields[pk.name].read_only = True
        request = self.context.get("request")
        for field in fields.values():
            queryset = getattr(field, "queryset", None)
            if request is not None and queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(request.user, "view")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        # A copy: validation must not change the instance DRF will save (or not) afterwards.
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return attrs
