"""Admission requests (准入申请) and their timeline (DOMAIN "Task admission")."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, District, Street
from portal.core.scoping import Action, ScopedModel, every_level
from portal.workdays.schedule import Deadline, deadline, schedule_warning
from tasks_registry.choices import Category, RequestEventKind, RequestScope, RequestStatus

from .lists import TaskItem

__all__ = ["AdmissionRequest", "RequestEvent"]


def _targeting_streets(codes: list[str]) -> Q:
    """Requests the people of streets `codes` see: reviewed by the street, or aimed at it, at its committees or
    at its whole district (which targets every committee of it, as their staff see: _targeting_committees)."""
    through_streets = AdmissionRequest.streets.through.objects.filter(street_id__in=codes)
    through_committees = AdmissionRequest.committees.through.objects.filter(committee__street_id__in=codes)
    return (Q(street_id__in=codes) | Q(scope="streets", pk__in=through_streets.values("admissionrequest_id"))
            | Q(scope="committees", pk__in=through_committees.values("admissionrequest_id"))
            | Q(scope="district", district_id__in=Street.objects.filter(pk__in=codes).values("district_id")))


def _targeting_committees(codes: list[str]) -> Q:
    """Requests the people of committees `codes` see: those that would reach them (chosen, their street, or
    their whole district)."""
    committees = Committee.objects.filter(pk__in=codes)
    through_streets = AdmissionRequest.streets.through.objects.filter(street_id__in=committees.values("street_id"))
    through_committees = AdmissionRequest.committees.through.objects.filter(committee_id__in=codes)
    return (Q(scope="committees", pk__in=through_committees.values("admissionrequest_id"))
            | Q(scope="streets", pk__in=through_streets.values("admissionrequest_id"))
            | Q(scope="district", district_id__in=committees.values("street__district_id")))


_REVIEWED = ["street_review", "district_review"]
# The street's people act on a request at its street stage through the street it names, not _targeting_streets.
_STREET_STAGE = {"street": "street"}


class AdmissionRequest(ScopedModel):
    """准入申请: a task on neither list asks to be admitted to the district's list."""

    Status = RequestStatus
    Scope = RequestScope

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="admission_requests")
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("committees.Department", verbose_name=_("requesting department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    # The one street whose committees the request targets: the street reviews it first (when someone
    # there other than the applicant may).
    street = models.ForeignKey("committees.Street", verbose_name=_("street"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    legal_basis = models.TextField(_("legal basis"))
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(_("target scope"), max_length=12, choices=RequestScope.choices)
    committees = models.ManyToManyField(Committee, verbose_name=_("committees"), blank=True, related_name="+")
    streets = models.ManyToManyField("committees.Street", verbose_name=_("streets"), blank=True, related_name="+")
    hours_per_month = models.DecimalField(_("hours per committee per month"), max_digits=6, decimal_places=1,
                                          validators=[MinValueValidator(0, message=_("Hours cannot be negative."))])
    forms = models.TextField(_("forms and ledgers"), blank=True)
    systems = models.TextField(_("information systems"), blank=True)
    needs_seal = models.BooleanField(_("needs the committee's seal"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    filed_item = models.OneToOneField(TaskItem, verbose_name=_("filed as"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="request")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "district", "department": "department", "street": _targeting_streets,
                   "committee": _targeting_committees}
    owner_path = "applicant"
    actions = {
        # A draft is its applicant's alone until submitted.
        "view": Action(grant="view", at=every_level(~Q(status="draft")), owner=Q()),
        # Filed by its applicant: a request counts as added by nobody else (whatever their scope).
        "add": Action(at={}, owner=Q()),
        "change": Action(at={}, owner=Q(status__in=["draft", "returned"])),
        "submit": Action(perm="change", at={}, owner=Q(status__in=["draft", "returned"])),
        # The reviewer of the current stage, in scope, never the applicant (DOMAIN "Task admission"). The
        # reviewers' queue, the notices and the review buttons all ask this. The street stage is the street's
        # named on the request (`street`, set on submit: the one street its committees lie in), never another
        # street that reads it (a request for the whole district is read by every street, reviewed by none).
        "review": Action(at={"street": Q(status="street_review"), "district": Q(status="district_review")},
                         not_owner=True, grant=None, paths=_STREET_STAGE),
        # The applicant, the reviewer of the stage and the district's staff, while the request is open.
        "comment": Action(at={"street": Q(status="street_review"),
                              "district": Q(status__in=[*_REVIEWED, "returned"])},
                          owner=Q(status__in=["draft", *_REVIEWED, "returned"]), grant=None, paths=_STREET_STAGE),
        # While filing: titles and states of the district's requests under way or admitted, whoever filed them
        # (an admitted one's item may still sit on a draft list, out of the items' duplicate check).
        "find_similar": Action(perm="add", scope_at="district", grant=None, owner=Q(status="draft"),
                               at=every_level(Q(status__in=[*_REVIEWED, "returned", "approved"]))),
    }

    class Meta:
        verbose_name = _("admission request")
        verbose_name_plural = _("admission requests")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="request_ends_after_start",
                                   violation_error_message=_("The end cannot come before the start.")),
            models.CheckConstraint(condition=Q(hours_per_month__gte=0), name="request_hours_non_negative",
                                   violation_error_message=_("Hours cannot be negative.")),
            models.CheckConstraint(condition=~Q(status="approved") | Q(filed_item__isnull=False),
                                   name="request_approved_is_filed",
                                   violation_error_message=_("An approved request is filed on the list.")),
        ]
        indexes = [
            models.Index(fields=["district", "status", "review_due_on"], name="request_queue_idx"),
            models.Index(fields=["street", "status"], name="request_street_idx"),
        ]
        permissions = [("review_admissionrequest", _("Can review an admission request")),
                       ("comment_admissionrequest", _("Can comment on an admission request"))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        # The constraint request_ends_after_start holds it in the database; here it is said on the field.
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot come before the start.")})

    @property
    def number(self) -> str:
        return f"ZR{self.created_at:%Y}-{self.pk:05d}" if self.pk and self.created_at else "—"

    @property
    def review_overdue(self) -> bool:
        """Past its review's due date (a working day, portal/workdays/schedule.py), today in Shanghai."""
        return (self.status in _REVIEWED and self.review_due_on is not None
                and self.review_due_on < timezone.localdate())

    def review_span(self, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date] | None:
        """While a review is pending (street or district review, with a due date): the days its stored due date was
        counted over, as far as can be told, (start, review_due_on); None otherwise (a draft, a returned request, a
        decided one, whose review_due_on may be kept). The stage's start is not kept: the span runs from `today`
        (default: today in Shanghai), or from the due date itself once it is past. No query."""
        if self.status not in _REVIEWED or self.review_due_on is None:
            return None
        return min(today or timezone.localdate(), self.review_due_on), self.review_due_on

    def review_deadline(self, *, today: datetime.date | None = None) -> Deadline | None:
        """While a review is pending: its stored due date as a Deadline (`deadline(start, the review's working days,
        day=review_due_on)` over review_span), with the warning of the days it was counted over; None otherwise.
        At most one query (none when the library ships the years). A page of requests: review_span of each row, their
        warnings in one query (unknown_years_of, years_warning)."""
        span = self.review_span(today=today)
        if span is None:
            return None
        start, due = span
        return deadline(start, settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS, day=due)

    @property
    def schedule_warning(self) -> str | None:
        """What the request's page says when one of its deadlines falls in a year whose holiday schedule is not
        loaded (then counted Monday to Friday), or None: for a draft or a returned request, the days from today to
        its start (the 30 working days of filing); under review, its review deadline's (review_deadline). (At most
        one query.)"""
        if self.status in ("draft", "returned"):
            return schedule_warning(timezone.localdate(), self.starts_on)
        review = self.review_deadline()
        return review.warning if review is not None else None


class RequestEvent(models.Model):
    """The timeline of a request: every transition, comment and attachment, with who and when."""

    Kind = RequestEventKind

    request = models.ForeignKey(AdmissionRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=RequestEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("comment"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="requests/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="request_event_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
