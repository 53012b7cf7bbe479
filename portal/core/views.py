"""HTML view plumbing: permission checks through restrict(), pagination, HTMX partials (STYLE.md B4, B5)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.services import record_save

PAGE_SIZE = 25


def require_perm(request: HttpRequest, model: type[Model], action: str) -> None:
    """403 when the user's role lacks the action's permission (or their level never does it), before
    anything is looked up."""
    if not may_ever(request.user, model, action):
        raise PermissionDenied


def get_scoped_or_404(
    request: HttpRequest, queryset: QuerySet, action: str = "view", *, perm: str | None = None, **lookup: Any
) -> Model:
    """403 without the role permission (`perm`, by default the action's on the model); 404 when the object
    is outside the rows the action reaches (never revealed)."""
    if not may_ever(request.user, queryset.model, action, perm=perm):
        raise PermissionDenied
    return get_object_or_404(queryset.restrict(request.user, action, perm=perm), **lookup)


def paginate(request: HttpRequest, queryset: QuerySet | list, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def template_for(request: HttpRequest, full: str, partial: str) -> str:
    """The same view serves the whole page, or only the part HTMX asked to swap."""
    return partial if getattr(request, "htmx", False) and not request.htmx.boosted else full


def add_validation_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a model's full_clean errors on the form fields they belong to (the rest on the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def add_domain_error(form: BaseForm, error: DomainError) -> None:
    """A service's refusal on the form: each field's reason on its field (or above the fields when the form
    has no such field), and the message above the fields unless a field already says it."""
    said = set()
    for field, problems in error.fields.items():
        form.add_error(field if field in form.fields else None, problems)
        said.update(str(problem) for problem in problems)
    if error.message not in said:
        form.add_error(None, error.message)


def save_form(request: HttpRequest, form: BaseForm, instance: Model) -> bool:
    """Validate the form and the whole record (constraints included) and save it through record_save:
    scope checked and audited. False, with the errors on the form, when it cannot be saved."""
    if not form.is_valid():
        return False
    try:
        record_save(actor=request.user, instance=instance)
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    return True
