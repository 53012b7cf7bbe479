from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from committees.choices import LEVEL_RANK, QualificationLevel
from portal.core.fields import CodeField
from portal.core.scoping import ScopedManager, ScopedModel, ScopedQuerySet

from .organisation import Committee

__all__ = ["CommunityWorker", "Qualification"]


class WorkerQuerySet(ScopedQuerySet):
    def employed_on(self, day) -> "WorkerQuerySet":  # noqa: ANN001
        """DOMAIN "Indicators": hired on or before the day, not yet left."""
        return self.filter(hired_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))


class CommunityWorker(ScopedModel):
    """A community worker (社区工作者): only what the indicators and the committee page need."""

    code = CodeField(_("staff number"), max_length=40, unique=True)
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="workers"
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=50, blank=True)
    hired_on = models.DateField(_("hired on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}

    objects = ScopedManager.from_queryset(WorkerQuerySet)()

    class Meta:
        verbose_name = _("community worker")
        verbose_name_plural = _("community workers")
        ordering = ["committee", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="worker_left_after_hired",
                violation_error_message=_("A worker cannot leave before being hired."),
            ),
            models.CheckConstraint(
                condition=~Q(code="") & ~Q(name=""),
                name="worker_code_name_required",
                violation_error_message=_("A staff number and a name are required."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def highest_level(self) -> str | None:
        """The highest qualification held, from prefetched `qualifications`."""
        levels = [q.level for q in self.qualifications.all()]
        return max(levels, key=lambda level: LEVEL_RANK[level]) if levels else None

    @property
    def highest_level_label(self) -> str:
        level = self.highest_level()
        return str(QualificationLevel(level).label) if level else ""


class Qualification(ScopedModel):
    worker = models.ForeignKey(
        CommunityWorker, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="qualifications"
    )
    level = models.CharField(_("level"), max_length=12, choices=QualificationLevel.choices)
    obtained_on = models.DateField(_("obtained on"))

    scope_paths = {
        "district": "worker__committee__street__district",
        "street": "worker__committee__street",
        "committee": "worker__committee",
    }

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["worker", "obtained_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=QualificationLevel.values),
                name="qualification_level_valid",
                violation_error_message=_("The level is assistant, intermediate or senior social worker."),
            ),
            models.UniqueConstraint(
                fields=["worker", "level"],
                name="qualification_unique_level",
                violation_error_message=_("This worker already holds that level."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker.name}: {self.get_level_display()}"
