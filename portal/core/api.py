"""API plumbing shared by every app: the scoped viewset and the error format (STYLE.md B4, B5)."""

import copy
import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.db import DatabaseError, models, transaction
from django.db.models import F, ProtectedError, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP
from django.db.models.constraints import BaseConstraint
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.fields import empty
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from portal.core.audit import snapshot
from portal.core.error_pages import csrf_failure_message
from portal.core.exceptions import DomainError
from portal.core.fields import CodeField
from portal.core.forms import TEXT_MAX_LENGTH
from portal.core.scoping import ScopedModel, action_spec, may_ever
from portal.core.services import record_written
from portal.core.text import (
    InvalidText,
    check_free_text,
    invalid_text_message,
    normalise,
    normalise_person_name,
    normalise_search,
)

# netbox's HTTP_ACTIONS: which role permission and grant each method needs.
HTTP_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change", "PATCH": "change",
                "DELETE": "delete"}


def _is_scoped_miss(exc: ObjectDoesNotExist) -> bool:
    """A row a service's restrict(actor, action) did not reach (any other missing row is a bug: a 500)."""
    return any(isinstance(exc, model.DoesNotExist) for model in apps.get_models() if issubclass(model, ScopedModel))


# PostgreSQL's SQLSTATEs of a value the database refuses: not null, foreign key, unique, check; a number out of its
# column's range, a text too long for it.
_REFUSED_VALUE_STATES = {"23502", "23503", "23505", "23514", "22003", "22001"}


def _constraint_fields(constraint: BaseConstraint) -> list[str]:
    """The fields a model constraint names: a unique constraint's, or those its condition reads (`Q(hours__gte=0)`
    -> ["hours"]), in order."""
    if isinstance(constraint, UniqueConstraint) and constraint.fields:
        return list(constraint.fields)
    names: list[str] = []

    def read(node: Any) -> None:
        if isinstance(node, Q):
            for child in node.children:
                read(child)
        elif isinstance(node, tuple):
            names.append(node[0].split(LOOKUP_SEP)[0])
            read(node[1])
        elif isinstance(node, F):
            names.append(node.name.split(LOOKUP_SEP)[0])

    read(getattr(constraint, "condition", None))
    return list(dict.fromkeys(names))


def refused_value(error: DatabaseError) -> dict[str, list[str]] | None:
    """What a database refusal says about the written values, as a serializer's errors: `{field: [message]}`, by
    the model constraint it broke (its violation_error_message), or by the column PostgreSQL names (not null, a
    missing referenced row, a number out of range). None when the error is no refusal of a value.

    Constraint names are unique across the project (Django's check models.E032), so the name finds the model.
    """
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) not in _REFUSED_VALUE_STATES:
        return None
    diag = cause.diag
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == diag.constraint_name:
                message = str(constraint.get_violation_error_message())
                fields = _constraint_fields(constraint) or [api_settings.NON_FIELD_ERRORS_KEY]
                return {name: [message] for name in fields}
    key = re.search(r"Key \(([^)]*)\)", diag.message_detail or "")  # "Key (committee_id)=(…) is not present…"
    columns = [diag.column_name] if diag.column_name else re.findall(r"\w+", key.group(1)) if key else []
    model = next((m for m in apps.get_models() if m._meta.db_table == diag.table_name), None)
    by_column = {field.column: field for field in model._meta.concrete_fields} if model else {}
    fields = [by_column[column] for column in columns if column in by_column]
    if cause.sqlstate == "23503":
        message = _("The record it refers to does not exist.")
    elif cause.sqlstate == "23505":
        message = _("A record with these values already exists.")
    elif cause.sqlstate == "23502":
        message = _("This field is required.")
    else:
        message = _("This value is out of range.")
    return {field.name: [message] for field in fields} or {api_settings.NON_FIELD_ERRORS_KEY: [message]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DomainError -> 400 {code, message, fields}; ProtectedError -> 409; a row outside what a service's
    `restrict(actor, action)` reaches -> 404 (never revealed); a value the database refuses (a constraint, a
    number out of range) -> 400 naming the field, as a serializer would (issue 12); a refused CSRF check (a session
    client's write without the token) -> 403 in the request's language (issue 15); the rest as DRF does."""
    if isinstance(exc, DatabaseError) and (refused := refused_value(exc)) is not None:
        exc = ValidationError(refused)
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": exc.message, "fields": exc.fields}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response({"code": "protected", "message": _("Other records depend on this one.")}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ObjectDoesNotExist) and _is_scoped_miss(exc):
        exc = NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    if isinstance(exc, PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        # SessionAuthentication's refusal, in English whatever the language ("CSRF Failed: CSRF token missing.").
        exc = PermissionDenied(csrf_failure_message(), code="csrf_failed")
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)


class Router(DefaultRouter):
    """The apps' API router: DRF's, without the `.json` twin of every route (no client uses them; `?format=` and
    the Accept header choose the renderer), whose `format` argument each @action failed on (issue 12)."""

    include_format_suffixes = False


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def model_action(view: Any, request: Any) -> str:
    """The model action a request performs: a viewset's @action by its name (or `named_actions`), the rest by
    HTTP method (netbox's HTTP_ACTIONS). A reading @action the model does not declare reads the row; a
    writing one must be declared or mapped (ImproperlyConfigured otherwise: never open a write to readers)."""
    drf_action = getattr(view, "action", None)
    named = getattr(view, "named_actions", {})
    if drf_action in named:
        return named[drf_action]
    if drf_action and drf_action not in ("list", "retrieve", "create", "update", "partial_update", "destroy", "metadata"):
        try:
            action_spec(view.get_model(), drf_action)
        except LookupError:
            if request.method in SAFE_METHODS:
                return "view"
            raise ImproperlyConfigured(
                f"{type(view).__name__}.{drf_action} writes: declare it on {view.get_model().__name__}.actions "
                f"or map it in named_actions") from None
        return drf_action
    return HTTP_ACTIONS.get(request.method, "view")


class RolePermission(permissions.BasePermission):
    """403 before any query when the role lacks the permission for the request's action (or can never do it)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        method = request.method.lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # let DRF answer 405: the method is not offered to anyone (no handler: a read-only viewset's PUT)
        return may_ever(request.user, view.get_model(), model_action(view, request))


class ScopedViewSet(viewsets.ModelViewSet):
    """Every API view over scoped rows: restrict() on every request, 404 outside scope, 403 without the role.

    Each request reaches rows through the action it performs: GET `view`, PATCH `change`, and an
    `@action(detail=True)` its model action of the same name (`void`), or the one `named_actions` maps
    it to (`{"approve": "review"}`).
    Writes run in a transaction and re-check that the saved row is still within the user's scope (netbox
    `_validate_objects`), so a write cannot move a row out of reach or into someone else's unit.
    Subclasses set `queryset` (the base query, with select_related), `serializer_class` and `filterset_class`.
    """

    permission_classes = [RolePermission]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]  # nothing is deleted through the API
    named_actions: dict[str, str] = {}

    def get_model(self) -> type:
        return self.queryset.model

    def get_queryset(self):  # noqa: ANN201
        return self.queryset.restrict(self.request.user, model_action(self, self.request))

    def perform_create(self, serializer: Any) -> None:
        with transaction.atomic():
            instance = serializer.save()
            record_written(actor=self.request.user, instance=instance, action="add", before=None)

    def perform_update(self, serializer: Any) -> None:
        with transaction.atomic():
            before = snapshot(type(serializer.instance).objects.select_for_update().get(pk=serializer.instance.pk))
            instance = serializer.save()
            record_written(actor=self.request.user, instance=instance, action="change", before=before)


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and read scoped rows, for records whose writes are domain actions (custom create or @action)
    rather than plain saves: restrict() on every request, 404 outside scope, 403 without the role.
    An @action reaches rows through its model action, as in ScopedViewSet."""

    permission_classes = [RolePermission]
    named_actions: dict[str, str] = {}

    def get_model(self) -> type:
        return self.queryset.model

    def get_queryset(self):  # noqa: ANN201
        return self.queryset.restrict(self.request.user, model_action(self, self.request))


# --- typed input: codes, ID numbers, searches (issue 14) ---------------------------------------------------------
def normalised_input(data: Any, *, search: bool = False) -> Any:
    """`data` as the API reads a code, an ID number or a search: a text in its canonical form (portal.core.text),
    anything else unchanged (a number, a list: the field refuses it). Raises ValidationError (code
    "invalid_text") naming a control character."""
    if not isinstance(data, str):
        return data
    try:
        return normalise_search(data) if search else normalise(data)
    except InvalidText as error:
        raise ValidationError(invalid_text_message(error), code="invalid_text") from error


class NormalisedCharField(serializers.CharField):
    """A code, a staff number, an ID number or a search (`search=True`: tabs and line breaks read as spaces), read
    in its canonical form before any other check: `３１０１０１` or a code with a zero-width space is `310101`; a
    control character is a 400 naming it on the field. Never for names or descriptions (see portal.core.text)."""

    def __init__(self, *, search: bool = False, **kwargs: Any) -> None:
        self.search = search
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        return super().run_validation(normalised_input(data, search=self.search))


class PersonNameField(serializers.CharField):
    """A person's name, written one way before any other check (portal.core.text.normalise_person_name: "张 三" is
    张三); free text otherwise (FreeTextMixin refuses a control character). The form's is portal.core.forms."""

    def run_validation(self, data: Any = empty) -> Any:
        return super().run_validation(normalise_person_name(data) if isinstance(data, str) else data)


class FreeTextValidator:
    """A serializer field's validator: `check_free_text` on its text (portal.core.text), the error named on the
    field (code "invalid_text"). `multiline`: tabs and line breaks are allowed inside."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            try:
                check_free_text(value, multiline=self.multiline)
            except InvalidText as error:
                raise ValidationError(invalid_text_message(error), code="invalid_text") from error


def guard_free_text(field: serializers.Field, *, multiline: bool = True) -> None:
    """Make a writable free-text field (a CharField other than NormalisedCharField, or a list of them) refuse
    control and bidirectional formatting characters; give any writable text field (codes too) TEXT_MAX_LENGTH (in
    the OpenAPI schema too, as maxLength) when it has no limit."""
    if isinstance(field, serializers.ListField):
        guard_free_text(field.child, multiline=multiline)
        return
    if not isinstance(field, serializers.CharField) or field.read_only:
        return
    if not isinstance(field, NormalisedCharField) and not any(
            isinstance(validator, FreeTextValidator) for validator in field.validators):
        field.validators.append(FreeTextValidator(multiline=multiline))
    if field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH
        message = field.error_messages["max_length"].format(max_length=TEXT_MAX_LENGTH)
        field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH, message=message))


class FreeTextMixin:
    """For any serializer that takes input: every free-text field refuses control and bidirectional formatting
    characters and has a length limit (guard_free_text; issue 13). Tabs and line breaks are allowed inside, except
    in a field read from a model's CharField (a name, a title: one line). NormalisedCodesMixin and so
    ValidatedModelSerializer include it; an input serializer is an InputSerializer."""

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()  # type: ignore[misc]
        model = getattr(getattr(self, "Meta", None), "model", None)
        for field in fields.values():
            model_field = None
            if model is not None and isinstance(getattr(field, "source", None), str):
                try:
                    model_field = model._meta.get_field(field.source)
                except FieldDoesNotExist:  # a property, a method, "*": no model field
                    model_field = None
            one_line = isinstance(model_field, models.CharField)
            guard_free_text(field, multiline=not one_line)
        return fields


class InputSerializer(FreeTextMixin, serializers.Serializer):
    """The input of a write that is not a plain save (a reason, a comment, a registration): its free text checked
    (FreeTextMixin)."""


class NormalisedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row named by its key (a committee's or a street's code, an id) read in its canonical form: a
    full-width or pasted code finds the same row."""

    def to_internal_value(self, data: Any) -> Any:
        return super().to_internal_value(normalised_input(data))


class NormalisedCodesMixin(FreeTextMixin):
    """For a ModelSerializer: codes read in their canonical form. The model's CodeFields (codes, staff numbers,
    item numbers: portal.core.fields) are NormalisedCharField, with the model's length and validators, and related
    rows are named by keys read in their canonical form (NormalisedPrimaryKeyRelatedField, one or many). Free text
    is checked (FreeTextMixin). ValidatedModelSerializer has it; a plain ModelSerializer that writes adds it."""

    serializer_related_field = NormalisedPrimaryKeyRelatedField
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, CodeField: NormalisedCharField}


class ValidatedModelSerializer(NormalisedCodesMixin, serializers.ModelSerializer):
    """Model rules hold for the API too: runs `full_clean()` (netbox's ValidatedModelSerializer). Codes, its own
    (CodeField) and those naming related rows, are read in their canonical form (NormalisedCodesMixin).

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
