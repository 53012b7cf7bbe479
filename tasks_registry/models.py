"""Annual task lists, their items, and what is dispatched to committees (DOMAIN "Task admission").

Nothing reaches a committee unless it is an item of the published city list or of the committee's
district list for the year; a refused dispatch is recorded as evidence, like a dispatch that went through.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, District
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.scoping import ScopedManager, ScopedModel, ScopedQuerySet, SharedRowsQuerySet

_YEAR = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


class ListQuerySet(SharedRowsQuerySet):
    """The user's district's lists (or items), and for reading also the city's, which apply everywhere."""

    def shared_q(self) -> Q:
        return Q(**{self.model.city_lookup: TaskList.Level.CITY})

    def published(self) -> "ListQuerySet":
        return self.filter(**{self.model.status_lookup: TaskList.Status.PUBLISHED})


class TaskList(ScopedModel):
    """下派居村组织工作任务清单: the city's for a year, or one district's."""

    class Level(models.TextChoices):
        CITY = "city", _("city list")
        DISTRICT = "district", _("district list")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="task_lists")
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("started from"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="copies")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_paths = {"district": "district"}
    city_lookup = "level"
    status_lookup = "status"

    objects = ScopedManager.from_queryset(ListQuerySet)()

    class Meta:
        verbose_name = _("task list")
        verbose_name_plural = _("task lists")
        ordering = ["-year", "level", "district"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="city") & Q(district__isnull=True)) | (Q(level="district") & Q(district__isnull=False)),
                name="task_list_level_matches_district",
                violation_error_message=_("The city list has no district; a district list has one."),
            ),
            models.UniqueConstraint(fields=["district", "year"], condition=Q(level="district"),
                                    name="task_list_one_per_district_year",
                                    violation_error_message=_("This district already has a list for that year.")),
            models.UniqueConstraint(fields=["year"], condition=Q(level="city"), name="task_list_one_city_per_year",
                                    violation_error_message=_("The city already has a list for that year.")),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="task_list_published_has_time",
                violation_error_message=_("A published list has a publication time."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.district.name if self.district_id else _("Shanghai")
        return f"{owner} {self.year} {self.get_level_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ItemQuerySet(ListQuerySet):
    def active_on(self, day: datetime.date) -> "ItemQuerySet":
        return self.filter(Q(exited_at__isnull=True) | Q(exited_at__gt=day))


class TaskItem(ScopedModel):
    """One task on a list: what it asks of a committee, on what basis, at what cost in hours."""

    class Category(models.TextChoices):
        DUTY = "duty", _("duty by law (依法履职)")
        ASSISTANCE = "assistance", _("assistance to government (依法协助)")
        SEAL = "seal", _("seal use (印章使用)")

    task_list = models.ForeignKey(TaskList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("item number"), max_length=20)
    title = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=50, blank=True)
    hours_per_month = models.DecimalField(_("hours per committee per month"), max_digits=6, decimal_places=1, default=0)
    forms = models.TextField(_("forms and ledgers"), blank=True)
    systems = models.TextField(_("information systems"), blank=True)
    needs_seal = models.BooleanField(_("needs the committee's seal"), default=False)
    admitted_from = models.CharField(_("admitted from request"), max_length=40, blank=True)
    exited_at = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.TextField(_("exit reason"), blank=True)

    scope_paths = {"district": "task_list__district"}
    city_lookup = "task_list__level"
    status_lookup = "task_list__status"

    objects = ScopedManager.from_queryset(ItemQuerySet)()

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["task_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["task_list", "code"], name="task_item_unique_code",
                                    violation_error_message=_("This list already has an item with that number.")),
            models.CheckConstraint(condition=Q(hours_per_month__gte=0), name="task_item_hours_non_negative",
                                   violation_error_message=_("Hours cannot be negative.")),
            models.CheckConstraint(condition=Q(category__in=["duty", "assistance", "seal"]), name="task_item_category_valid",
                                   violation_error_message=_("The category is duty, assistance or seal use.")),
            models.CheckConstraint(condition=Q(exited_at__isnull=True) | ~Q(exit_reason=""),
                                   name="task_item_exit_has_reason",
                                   violation_error_message=_("An item that exits the list needs a reason.")),
            models.CheckConstraint(condition=~Q(title="") & ~Q(code=""), name="task_item_title_required",
                                   violation_error_message=_("An item number and a task are required.")),
        ]
        indexes = [models.Index(fields=["title"], name="task_item_title_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def has_exited_on(self, day: datetime.date) -> bool:
        return self.exited_at is not None and self.exited_at <= day


class Dispatch(ScopedModel):
    """A listed task sent to one committee, from a start to a due date."""

    item = models.ForeignKey(TaskItem, verbose_name=_("list item"), on_delete=models.PROTECT, related_name="dispatches")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="dispatches")
    starts_on = models.DateField(_("from"))
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="dispatch_due_after_start",
                                   violation_error_message=_("The due date cannot come before the start.")),
        ]
        indexes = [models.Index(fields=["committee", "starts_on", "due_on"], name="dispatch_committee_idx")]

    def __str__(self) -> str:
        return f"{self.item} → {self.committee}"


class RefusedDispatch(ScopedModel):
    """Evidence of an attempt to send a committee something the lists do not allow."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(TaskItem, verbose_name=_("list item"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField(_("task"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    reason = models.TextField(_("reason"))
    attempted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attempted by"), on_delete=models.PROTECT,
                                     related_name="+")
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}

    class Meta:
        verbose_name = _("refused dispatch")
        verbose_name_plural = _("refused dispatches")
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} → {self.committee}: {self.reason}"


class RequestQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view", **kwargs):  # noqa: ANN001, ANN201
        """District staff: their district's requests; a department: its own; a street: those of its street or
        filed by it; a committee: those that target it (DOMAIN "Who uses it")."""
        if not user.is_authenticated or not user.has_perm(
                kwargs.get("perm") or f"tasks_registry.{action}_admissionrequest"):
            return self.none()
        # A draft is its applicant's alone until submitted.
        submitted = ~Q(status=AdmissionRequest.Status.DRAFT) | Q(applicant=user)
        if user.is_superuser or user.scope_level == "city":
            return self.filter(submitted)
        if user.role == "department":
            return self.filter(department_id=user.department_id).filter(submitted)
        if user.role == "district":
            return self.filter(district_id=user.district_id).filter(submitted)
        if user.role == "street":
            return self.filter(Q(street_id=user.street_id) | Q(applicant=user)).filter(submitted).distinct()
        if user.role == "committee":
            return self.filter(
                Q(committees=user.committee_id) | Q(scope="streets", streets=user.street_id)
                | Q(scope="district", district_id=user.district_id)).exclude(status=AdmissionRequest.Status.DRAFT).distinct()
        return self.none()


class AdmissionRequest(ScopedModel):
    """准入申请: a task on neither list asks to be admitted to the district's list."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        STREET_REVIEW = "street_review", _("street review")
        DISTRICT_REVIEW = "district_review", _("district review")
        APPROVED = "approved", _("approved and filed")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for revision")

    class Scope(models.TextChoices):
        COMMITTEES = "committees", _("chosen committees")
        STREETS = "streets", _("one or more streets")
        DISTRICT = "district", _("the whole district")

    OPEN = (Status.DRAFT, Status.STREET_REVIEW, Status.DISTRICT_REVIEW, Status.RETURNED)

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="admission_requests")
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("committees.Department", verbose_name=_("requesting department"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    # The one street whose committees the request targets: the street reviews it first.
    street = models.ForeignKey("committees.Street", verbose_name=_("street"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=TaskItem.Category.choices)
    legal_basis = models.TextField(_("legal basis"))
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(_("target scope"), max_length=12, choices=Scope.choices)
    committees = models.ManyToManyField(Committee, verbose_name=_("committees"), blank=True, related_name="+")
    streets = models.ManyToManyField("committees.Street", verbose_name=_("streets"), blank=True, related_name="+")
    hours_per_month = models.DecimalField(_("hours per committee per month"), max_digits=6, decimal_places=1)
    forms = models.TextField(_("forms and ledgers"), blank=True)
    systems = models.TextField(_("information systems"), blank=True)
    needs_seal = models.BooleanField(_("needs the committee's seal"), default=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_due_on = models.DateField(_("review due on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    filed_item = models.OneToOneField(TaskItem, verbose_name=_("filed as"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="request")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "district", "street": "street"}

    objects = ScopedManager.from_queryset(RequestQuerySet)()

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

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        return f"ZR{self.created_at:%Y}-{self.pk:05d}" if self.pk and self.created_at else "—"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def review_overdue(self) -> bool:
        return (self.status in (self.Status.STREET_REVIEW, self.Status.DISTRICT_REVIEW) and self.review_due_on is not None
                and self.review_due_on < datetime.date.today())


class RequestEvent(models.Model):
    """The timeline of a request: every transition, comment and attachment, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        SUBMITTED = "submitted", _("submitted")
        STREET_APPROVED = "street_approved", _("passed the street review")
        APPROVED = "approved", _("approved and filed")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for revision")
        COMMENT = "comment", _("comment")
        ATTACHMENT = "attachment", _("attachment")

    request = models.ForeignKey(AdmissionRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
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


class ReportQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view", **kwargs):  # noqa: ANN001, ANN201
        """A committee: its own reports; a district: its district's; a department: those transferred to it."""
        if not user.is_authenticated or not user.has_perm(kwargs.get("perm") or f"tasks_registry.{action}_violationreport"):
            return self.none()
        if user.is_superuser or user.scope_level == "city":
            return self
        if user.role == "department":
            return self.filter(department_id=user.department_id)
        return super().restrict(user, action, **kwargs)


class ViolationReport(ScopedModel):
    """违规下沉举报: a committee reports a task sent down without admission."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        TRANSFERRED = "transferred", _("transferred to the department")
        CLOSED = "closed", _("closed")
        DISMISSED = "dismissed", _("dismissed")

    class Outcome(models.TextChoices):
        WITHDRAWN = "withdrawn", _("the task was withdrawn")
        ADMITTED = "admitted", _("admitted after review")
        UNFOUNDED = "unfounded", _("unfounded")

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                 related_name="+")
    sender = models.CharField(_("who sent it"), max_length=200)
    title = models.CharField(_("what was sent"), max_length=200)
    sent_on = models.DateField(_("when"))
    description = models.TextField(_("details"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="reports/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    department = models.ForeignKey("committees.Department", verbose_name=_("transferred to"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}

    objects = ScopedManager.from_queryset(ReportQuerySet)()

    class Meta:
        verbose_name = _("violation report")
        verbose_name_plural = _("violation reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(outcome=""), name="report_closed_has_outcome",
                                   violation_error_message=_("A closed report has an outcome.")),
            models.CheckConstraint(condition=~Q(status="transferred") | Q(department__isnull=False),
                                   name="report_transferred_has_department",
                                   violation_error_message=_("A transferred report names the department.")),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"


class ReportEvent(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("reported")
        ACCEPTED = "accepted", _("accepted")
        DISMISSED = "dismissed", _("dismissed")
        TRANSFERRED = "transferred", _("transferred to the department")
        REPLIED = "replied", _("the department replied")
        CLOSED = "closed", _("closed")

    report = models.ForeignKey(ViolationReport, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
