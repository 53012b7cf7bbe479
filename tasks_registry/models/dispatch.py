"""What is sent to committees, and the evidence of what was refused (DOMAIN "Task admission")."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from portal.core.scoping import ScopedModel

from .lists import TaskItem

__all__ = ["Dispatch", "RefusedDispatch"]


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
