"""Targets, computed results and the runs that computed them (DOMAIN "Indicators", "Targets")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, District, Street
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.jobs import Job
from portal.core.scoping import Action, ScopedModel
from portal.indicators.registry import BY_CODE, CHOICES, CITY_CODE, target_display

_YEAR = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


class Target(ScopedModel):
    """A district's (or, with no district, the city's) target for an indicator over a span of years."""

    class Comparison(models.TextChoices):
        AT_LEAST = "ge", "≥"
        AT_MOST = "le", "≤"

    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="targets",
                                 help_text=_("Empty: a target for the whole city."))
    indicator = models.CharField(_("indicator"), max_length=40, choices=CHOICES)
    year_from = models.PositiveSmallIntegerField(_("from year"), validators=_YEAR)
    year_to = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True, validators=_YEAR,
                                               help_text=_("Empty: every year from the first."))
    comparison = models.CharField(_("comparison"), max_length=2, choices=Comparison.choices, default=Comparison.AT_LEAST)
    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=4,
                                help_text=_("A rate as a fraction (0.45 for 45%), or a count."))
    source = models.CharField(_("source document"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "district"}
    # The city's targets apply in every district: everyone who reads targets reads them.
    actions = {"view": Action(grant="view", shared=Q(district__isnull=True))}

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["district", "indicator", "year_from"]
        constraints = [
            models.UniqueConstraint(fields=["district", "indicator", "year_from"], name="target_unique_start",
                                    condition=Q(district__isnull=False),
                                    violation_error_message=_("There is already a target for this indicator from that year.")),
            models.UniqueConstraint(fields=["indicator", "year_from"], name="target_unique_city_start",
                                    condition=Q(district__isnull=True),
                                    violation_error_message=_("There is already a target for this indicator from that year.")),
            models.CheckConstraint(condition=Q(year_to__isnull=True) | Q(year_to__gte=models.F("year_from")),
                                   name="target_years_in_order",
                                   violation_error_message=_("The last year cannot come before the first.")),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_non_negative",
                                   violation_error_message=_("A target cannot be negative.")),
            models.CheckConstraint(condition=Q(comparison__in=["ge", "le"]), name="target_comparison_valid",
                                   violation_error_message=_("The comparison is ≥ or ≤.")),
        ]

    def __str__(self) -> str:
        years = f"{self.year_from}" if self.year_to == self.year_from else f"{self.year_from}–{self.year_to or ''}"
        return f"{self.district or _('city')} {self.indicator} {years} {self.get_comparison_display()} {self.value_display}"

    def clean(self) -> None:
        """A rate's target is a fraction from 0 to 1 (forms take the percentage and convert it, the API takes
        the fraction): 90 for 90% is refused here, on `value`, instead of reading as 9000%."""
        super().clean()
        indicator = BY_CODE.get(self.indicator)
        if indicator and indicator.is_rate and self.value is not None and not 0 <= self.value <= 1:
            raise ValidationError({"value": _("A rate's target is a fraction from 0 to 1 (0.9 for 90%).")})

    @property
    def value_display(self) -> str:
        """The value as people read it: "90%" for a rate, "1" for a count (registry.target_display)."""
        return target_display(self.indicator, self.value) if self.indicator in BY_CODE else str(self.value)

    @property
    def level(self) -> str:
        """The unit that set the target: "district", or "city" for the city's."""
        return "district" if self.district_id else "city"

    def judged_at(self, scope: str) -> bool:
        """Whether a unit of `scope` passes or fails this target (issue 15). A rate's target holds for every
        unit it covers (each committee's rate can reach 60%); a count's target is about the total of the unit
        that set it (a district's "≥ 1 senior social worker" is the district's count, not each committee's),
        so only that unit is judged on it."""
        return BY_CODE[self.indicator].is_rate or scope == self.level

    def applies_to(self, year: int) -> bool:
        return self.year_from <= year and (self.year_to is None or year <= self.year_to)

    def is_met_by(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value >= float(self.value) if self.comparison == self.Comparison.AT_LEAST else value <= float(self.value)


class ComputationRun(ScopedModel, Job):
    """One computation of a year's results: queued, then run by a worker (portal/core/jobs.py), then done,
    failed or cancelled."""

    class Trigger(models.TextChoices):
        COMMAND = "command", _("command line")
        SCHEDULE = "schedule", _("nightly schedule")
        BUTTON = "button", _("recompute button")
        API = "api", _("API")
        IMPORT = "import", _("after an import")
        TASK = "task", _("background task")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    IN_FLIGHT = (Status.QUEUED, Status.RUNNING)

    # A run computes the whole city's year: everyone who reads the dashboards sees every run, and whoever may
    # start one may retry or cancel one that is not finished (the services refuse one a worker is running).
    actions = {
        "view": Action(shared=Q()),
        "add": Action(shared=Q()),
        "retry": Action(perm="add", where=Q(status__in=IN_FLIGHT), shared=Q()),
        "cancel": Action(perm="add", where=Q(status__in=IN_FLIGHT), shared=Q()),
    }
    # The durable job (portal/core/jobs.py).
    job_statuses = IN_FLIGHT
    job_task = "portal.indicators.tasks.compute_indicators"
    job_queued = {"status": Status.QUEUED, "progress": 0}
    job_running = {"status": Status.RUNNING, "progress": 10}
    job_give_up = "portal.indicators.services.run_give_up"

    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("triggered by"), null=True, blank=True,
                                     on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result_count = models.PositiveIntegerField(_("results"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("computation run")
        verbose_name_plural = _("computation runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["year", "status"], name="run_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.status} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class Result(ScopedModel):
    """One indicator's value for one unit and year; a year's results are replaced together by a run."""

    class Scope(models.TextChoices):
        COMMITTEE = "committee", _("committee")
        STREET = "street", _("street")
        DISTRICT = "district", _("district")
        CITY = "city", _("city")

    # The run that last changed the row (a run that finds a row unchanged leaves it alone). No constraint and
    # no index: a year's first computation inserts ~40,000 rows, and the deferred foreign-key check of each
    # one added 45-100% to its time (benchmarks/indicators.py). Runs are never deleted.
    run = models.ForeignKey(ComputationRun, verbose_name=_("run"), null=True, on_delete=models.SET_NULL,
                            related_name="results", db_constraint=False, db_index=False)
    indicator = models.CharField(_("indicator"), max_length=40, choices=CHOICES)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    code = models.CharField(_("code"), max_length=12)
    year = models.PositiveSmallIntegerField(_("year"))
    # The units the row lies in, for scoping and for names (empty above the row's own level).
    # No index of their own: every index costs time on each of a year's ~40,000 inserts (benchmarks/indicators.py);
    # the composite indexes below serve the lookups the dashboards make.
    district = models.ForeignKey(District, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                                 db_index=False)
    street = models.ForeignKey(Street, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                               db_index=False)
    committee = models.ForeignKey(Committee, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False,
                                  db_index=False)
    numerator = models.BigIntegerField(_("numerator"))
    denominator = models.BigIntegerField(_("denominator"), null=True)
    value = models.FloatField(_("value"), null=True)
    missing = models.PositiveIntegerField(_("committees without a record"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    scope_paths = {"district": "district", "street": "street", "committee": "committee"}
    # The city's figures are everyone's yardstick.
    actions = {"view": Action(grant="view", shared=Q(scope="city"))}

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["year", "indicator", "scope", "code"]
        constraints = [
            # Also the index of a unit's results (scope, code) over the years.
            models.UniqueConstraint(fields=["scope", "code", "year", "indicator"], name="result_unique"),
        ]
        indexes = [
            # The children of a district or a street in a year (and restrict() by district or street).
            models.Index(fields=["district", "scope", "year"], name="result_district_idx"),
            models.Index(fields=["street", "scope", "year"], name="result_street_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.scope} {self.code} {self.year}: {self.value}"

    @property
    def is_rate(self) -> bool:
        return BY_CODE[self.indicator].is_rate


__all__ = ["CITY_CODE", "ComputationRun", "Result", "Target"]
