"""Annual task lists and their items (DOMAIN "Task admission"): the city's list for a year, and each district's.

Nothing reaches a committee unless it is an item of the published city list or of the committee's
district list for the year (services/dispatch.py).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import District
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.fields import CodeField
from portal.core.scoping import Action, ScopedManager, ScopedModel, ScopedQuerySet
from tasks_registry.choices import Category, ListLevel, ListStatus

__all__ = ["ItemQuerySet", "ListQuerySet", "TaskItem", "TaskList"]

_YEAR = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


class ListQuerySet(ScopedQuerySet):
    """Lists (or items) with `published()`; restrict() gives the user's district's and the city's."""

    def published(self) -> "ListQuerySet":
        return self.filter(**{self.model.status_lookup: ListStatus.PUBLISHED})


# City staff keep the city's list, district staff their own district's (DOMAIN "Task admission").
_OWN_LIST = {"city": Q(level="city"), "district": Q(level="district")}
_OWN_ITEM = {"city": Q(task_list__level="city"), "district": Q(task_list__level="district")}


class TaskList(ScopedModel):
    """下派居村组织工作任务清单: the city's for a year, or one district's."""

    Level = ListLevel
    Status = ListStatus

    level = models.CharField(_("level"), max_length=10, choices=ListLevel.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="task_lists")
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    status = models.CharField(_("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("started from"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="copies")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_paths = {"district": "district"}
    status_lookup = "status"
    actions = {
        "view": Action(grant="view", shared=Q(level="city")),  # the city's list applies in every district
        "add": Action(at=_OWN_LIST, grant=None),  # the city starts the city's lists, a district its own
        "change": Action(at=_OWN_LIST, where=Q(status="draft"), grant=None),  # items added while a draft
        "publish": Action(at=_OWN_LIST, where=Q(status="draft"), grant=None),
        # Next year's draft is started from a published list.
        "carry": Action(perm="add", at=_OWN_LIST, where=Q(status="published"), grant=None),
        # Its items may be sent to committees (TaskItem "dispatch"): the list page's link to the dispatch form.
        "dispatch": Action(perm="tasks_registry.dispatch_taskitem", shared=Q(level="city"),
                           where=Q(status="published")),
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
        return self.status == ListStatus.PUBLISHED


class ItemQuerySet(ListQuerySet):
    def active_on(self, day: datetime.date) -> "ItemQuerySet":
        return self.filter(Q(exited_at__isnull=True) | Q(exited_at__gt=day))


class TaskItem(ScopedModel):
    """One task on a list: what it asks of a committee, on what basis, at what cost in hours."""

    Category = Category

    task_list = models.ForeignKey(TaskList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="items")
    code = CodeField(_("item number"), max_length=20)
    title = models.CharField(_("task"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(_("frequency"), max_length=50, blank=True)
    hours_per_month = models.DecimalField(_("hours per committee per month"), max_digits=6, decimal_places=1, default=0,
                                          validators=[MinValueValidator(0, message=_("Hours cannot be negative."))])
    forms = models.TextField(_("forms and ledgers"), blank=True)
    systems = models.TextField(_("information systems"), blank=True)
    needs_seal = models.BooleanField(_("needs the committee's seal"), default=False)
    admitted_from = models.CharField(_("admitted from request"), max_length=40, blank=True)
    # 上年结转: the item of the year before this one was carried from (services.lists.task_list_carry).
    carried_from = models.ForeignKey("self", verbose_name=_("carried from"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="carried_to")
    exited_at = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.TextField(_("exit reason"), blank=True)

    scope_paths = {"district": "task_list__district"}
    status_lookup = "task_list__status"
    actions = {
        "view": Action(grant="view", shared=Q(task_list__level="city")),
        "add": Action(at=_OWN_ITEM, grant=None),  # to the lists one keeps
        "change": Action(at=_OWN_ITEM, where=Q(task_list__status="draft"), grant=None),
        # 退出, with a reason: an item of a published list. A draft's items are edited or removed instead.
        "exit": Action(at=_OWN_ITEM, where=Q(exited_at__isnull=True, task_list__status="published"), grant=None),
        # What a sender may try to send to committees: the items of the city's list and of the sender's
        # district's (a read-only grant never lets anyone send). Whether this item may go to that committee
        # for that period is the dispatch guard's answer (draft list, another year, exited), and a refusal is
        # recorded as evidence: so no status condition here, which would turn a refused attempt into an
        # unrecorded 404.
        "dispatch": Action(grant="change", shared=Q(task_list__level="city")),
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

    def clean(self) -> None:
        # The constraint task_item_exit_has_reason holds it in the database; here it is said on the field.
        if self.exited_at is not None and not self.exit_reason:
            raise ValidationError({"exit_reason": _("An item that exits the list needs a reason.")})

    @property
    def origin(self) -> str:
        """Where the item came from, as the list page shows it: "carried" (上年结转: carried from last year's
        list), "admitted" (申报批准: filed by an approved admission request) or "added" (新增: entered on this list)."""
        if self.carried_from_id is not None:
            return "carried"
        return "admitted" if self.admitted_from else "added"

    def has_exited_on(self, day: datetime.date) -> bool:
        return self.exited_at is not None and self.exited_at <= day
