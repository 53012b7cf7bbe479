"""HTML view plumbing: permission checks through restrict(), pagination, HTMX partials (STYLE.md B4, B5),
and one record per submitted form (issue 12): `submit_once`, `add_integrity_error`."""

import contextlib
import datetime
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Model, QuerySet, UniqueConstraint
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.core.exceptions import DomainError
from portal.core.models import SubmissionToken
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


def unique_violation(error: IntegrityError) -> tuple[list[str], str] | None:
    """The fields and the message of the unique constraint `error` broke: a `UniqueConstraint`'s
    violation_error_message, or a `unique=True` field's own "already exists". None for any other error (not a
    unique violation, or one of a constraint no model declares).

    Two requests that both passed validation race to insert the same values; the database refuses the second.
    Constraint names are unique across the project (Django's check models.E032), so the name finds the model.
    """
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) != "23505":  # unique_violation
        return None
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.name == name:
                return list(constraint.fields), constraint.get_violation_error_message()
        for field in model._meta.local_fields:
            # PostgreSQL names a column's UNIQUE `<table>_<column>_key`.
            if field.unique and not field.primary_key and name == f"{model._meta.db_table}_{field.column}_key":
                return [field.name], field.error_messages["unique"] % {
                    "model_name": capfirst(model._meta.verbose_name), "field_label": capfirst(field.verbose_name)}
    return None


def add_integrity_error(form: BaseForm, error: IntegrityError) -> None:
    """A unique constraint's refusal on the form: its message on the constraint's field the form shows (the
    last of them: `year` of (committee, year)), else above the fields. Re-raises any other IntegrityError
    (a bug, not an input error)."""
    violated = unique_violation(error)
    if violated is None:
        raise error
    fields, message = violated
    shown = [field for field in fields if field in form.fields]
    form.add_error(shown[-1] if shown else None, message)


def save_form(request: HttpRequest, form: BaseForm, instance: Model) -> bool:
    """Validate the form and the whole record (constraints included) and save it through record_save:
    scope checked and audited. False, with the errors on the form, when it cannot be saved (a duplicate that
    won a race past validation included)."""
    if not form.is_valid():
        return False
    try:
        record_save(actor=request.user, instance=instance)
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    except IntegrityError as error:
        add_integrity_error(form, error)
        return False
    return True


# --- one submit, one record (issue 12) -----------------------------------------------------------------------
SUBMISSION_KEPT = datetime.timedelta(days=1)


def _posted_token(request: HttpRequest) -> uuid.UUID | None:
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    try:
        return uuid.UUID(request.POST.get(SubmissionToken.FIELD, ""))
    except ValueError:
        return None  # no token (a client that sends none) or not one: the POST goes through unguarded


def submission_digest(request: HttpRequest) -> str:
    """SHA-256 (hex, 64 characters) of what a POST sends: its fields but the CSRF and submission tokens, and its
    files' names and sizes. Two sendings of one form with the same values have the same digest."""
    skipped = {"csrfmiddlewaretoken", SubmissionToken.FIELD}
    fields = sorted((key, value) for key, values in request.POST.lists() if key not in skipped for value in values)
    files = sorted((key, upload.name, upload.size) for key, uploads in request.FILES.lists() for upload in uploads)
    return hashlib.sha256(json.dumps([fields, files], ensure_ascii=False).encode()).hexdigest()


@contextlib.contextmanager
def _submission_lock(user_pk: int, token: str) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock on (user, token) while the view runs: a twin POST waits here until the
    first has finished, then finds its token row. A session lock, not a transaction: services such as
    dispatch_send must be called outside any transaction. Elsewhere (SQLite in development) the unique index
    alone refuses the twin."""
    if connection.vendor != "postgresql":
        yield
        return
    key = f"submission:{user_pk}:{token}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [key])
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:  # a dead connection took the lock along
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


def _replay(request: HttpRequest, seen: SubmissionToken) -> HttpResponse:
    """The answer to a POST whose token was used: what the first one made, never a second one."""
    if seen.result_url:
        messages.info(request, _("Already submitted; nothing was created twice."))
        return redirect(seen.result_url)
    messages.warning(request, _("This form was sent before and that attempt did not finish; check whether it was "
                                "saved before filling the form in again."))
    return redirect(seen.path)


def submission_result(request: HttpRequest, url: str) -> None:
    """Tell `submit_once` where the record a POST made is shown, when the view does not redirect there (it
    re-renders the page after making something). A redirect is taken as the result without this call."""
    request.submission_result = url  # type: ignore[attr-defined]


def submission_refused(request: HttpRequest) -> None:
    """Tell `submit_once` that this POST made nothing although the view redirects (a refusal said in a message):
    the same form sent again is tried again, not answered "already submitted"."""
    request.submission_result = ""  # type: ignore[attr-defined]


def submit_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One record per sent form: a view that creates something, under its @login_required.

    A POST carrying `SubmissionToken.FIELD` (`{% submission_token %}` in the form) claims that token for the
    user, runs the view, and keeps where the result is shown: the view's redirect, or `submission_result()`
    (`submission_refused()`: a redirect that made nothing).
    A POST whose token was claimed before with the same values (a double click, a resent page; not the form
    sent again after going back and changing it) is redirected there, with a message,
    and the view does not run again; one sent while the first is still running waits for it (`_submission_lock`).
    An answer that made nothing (the form with its errors) frees the token. A POST without a token is not
    guarded (API clients, scripts): every form that creates renders one.
    Side effects: the SubmissionToken row; the user's rows older than SUBMISSION_KEPT are deleted.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _posted_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        digest = submission_digest(request)
        with _submission_lock(request.user.pk, f"{token}:{digest}"):
            seen = SubmissionToken.objects.filter(user=request.user, token=token, digest=digest).first()
            if seen is not None:
                return _replay(request, seen)
            SubmissionToken.objects.filter(user=request.user, created_at__lt=timezone.now() - SUBMISSION_KEPT).delete()
            try:
                with transaction.atomic():
                    claim = SubmissionToken.objects.create(user=request.user, token=token, digest=digest,
                                                           path=request.path[:300])
            except IntegrityError:  # a twin without the lock (SQLite) claimed it first
                return _replay(request, SubmissionToken.objects.get(user=request.user, token=token, digest=digest))
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                with contextlib.suppress(DatabaseError):
                    claim.delete()
                raise
            result = getattr(request, "submission_result", None)
            if result is None and isinstance(response, HttpResponseRedirectBase):
                result = response.url
            if result:
                claim.result_url = str(result)[:300]
                claim.save(update_fields=["result_url"])
            else:
                claim.delete()  # nothing made: the form again, with its errors
            return response

    return guarded
