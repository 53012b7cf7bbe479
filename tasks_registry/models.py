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
from portal.core.scoping import Action, ScopedManager, ScopedModel, ScopedQuerySet, every_level

_YEAR = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


class ListQuerySet(ScopedQuerySet):
    """The user's district's lists (or items), and for reading also the city's, which apply everywhere."""

    def published(self) -> "ListQuerySet":
        return self.filter(**{self.model.status_lookup: TaskList.Status.PUBLISHED})


# City staff keep the city's list, district staff their own district's (DOMAIN "Task admission").
_OWN_LIST = {"city": Q(level="city"), "district": Q(level="district")}
_OWN_ITEM = {"city": Q(task_list__level="city"), "district": Q(task_list__level="district")}


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
    status_lookup = "status"
    actions = {
        "view": Action(grant="view", shared=Q(level="city")),  # the city's list applies in every district
        "change": Action(at=_OWN_LIST, where=Q(status="draft"), grant=None),  # items added while a draft
        "publish": Action(at=_OWN_LIST, where=Q(status="draft"), grant=None),
        "carry": Action(perm="add", at=_OWN_LIST, grant=None),  # next year's draft started from it
    }

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
        permissions = [("publish_tasklist", _("Can publish a task list"))]

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
    status_lookup = "task_list__status"
    actions = {
        "view": Action(grant="view", shared=Q(task_list__level="city")),
        "change": Action(at=_OWN_ITEM, where=Q(task_list__status="draft"), grant=None),
        "exit": Action(at=_OWN_ITEM, where=Q(exited_at__isnull=True), grant=None),  # 退出, with a reason
        # What may be sent to committees: published items of the city's list or of the sender's district's.
        "dispatch": Action(grant="view", shared=Q(task_list__level="city"),
                           where=Q(task_list__status="published", exited_at__isnull=True)),
        # While filing a request: listed items of the whole district, so "already admitted" is found.
        "find_similar": Action(perm="tasks_registry.add_admissionrequest", scope_at="district", grant=None,
                               shared=Q(task_list__level="city"),
                               where=Q(task_list__status="published", exited_at__isnull=True)),
    }

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
        permissions = [("exit_taskitem", _("Can take an item off its list")),
                       ("dispatch_taskitem", _("Can send a listed item to committees"))]

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


def _targeting_street(user) -> Q:  # noqa: ANN001
    """Requests a street officer sees: reviewed by their street, or aimed at it or at its committees."""
    through_streets = AdmissionRequest.streets.through.objects.filter(street_id=user.street_id)
    through_committees = AdmissionRequest.committees.through.objects.filter(committee__street_id=user.street_id)
    return (Q(street_id=user.street_id) | Q(scope="streets", pk__in=through_streets.values("admissionrequest_id"))
            | Q(scope="committees", pk__in=through_committees.values("admissionrequest_id")))


def _targeting_committee(user) -> Q:  # noqa: ANN001
    """Requests a committee sees: those that would reach it (chosen, its street, or its whole district)."""
    through_streets = AdmissionRequest.streets.through.objects.filter(street_id=user.street_id)
    through_committees = AdmissionRequest.committees.through.objects.filter(committee_id=user.committee_id)
    return (Q(scope="committees", pk__in=through_committees.values("admissionrequest_id"))
            | Q(scope="streets", pk__in=through_streets.values("admissionrequest_id"))
            | Q(scope="district", district_id=user.district_id))


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

    scope_paths = {"district": "district", "department": "department", "street": _targeting_street,
                   "committee": _targeting_committee}
    owner_path = "applicant"
    actions = {
        # A draft is its applicant's alone until submitted.
        "view": Action(grant="view", at=every_level(~Q(status="draft")), owner=Q()),
        "change": Action(at={}, owner=Q(status__in=["draft", "returned"])),
        "submit": Action(perm="change", at={}, owner=Q(status__in=["draft", "returned"])),
        # The reviewer of the current stage, in scope, never the applicant (DOMAIN "Task admission").
        "review": Action(at={"street": Q(status="street_review"), "district": Q(status="district_review")},
                         not_owner=True, grant=None),
        # The applicant, the reviewer of the stage and the district's staff, while the request is open.
        "comment": Action(at={"street": Q(status="street_review"),
                              "district": Q(status__in=["street_review", "district_review", "returned"])},
                          owner=Q(status__in=["draft", "street_review", "district_review", "returned"]), grant=None),
        # While filing: titles and states of the district's open requests, whoever filed them.
        "find_similar": Action(perm="add", scope_at="district", grant=None, owner=Q(status="draft"),
                               at=every_level(Q(status__in=["street_review", "district_review", "returned"]))),
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

    # A department sees the reports transferred to it, and never who reported (DOMAIN "Task admission").
    scope_paths = {"district": "committee__street__district", "department": "department", "street": "committee__street",
                   "committee": "committee"}
    owner_path = "reporter"
    actions = {
        "handle": Action(at={"district": Q(status__in=["submitted", "accepted", "transferred"])}, grant=None),
        "reply": Action(at={"department": Q(status="transferred")}, grant=None),
        # Who reported, and the evidence that may name them: every reader but the department.
        "identify": Action(perm="view", grant="view",
                           at={level: Q() for level in ("city", "district", "street", "committee")}),
    }

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
        permissions = [("handle_violationreport", _("Can handle a violation report")),
                       ("reply_violationreport", _("Can reply to a violation report"))]

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
