"""What is sent to committees, what they do with it, and the evidence of what was refused (DOMAIN "Task admission")."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from portal.core.scoping import Action, ScopedModel

from .lists import TaskItem

__all__ = ["MAX_HOURS_SPENT", "Dispatch", "RefusedDispatch", "RefusedDispatchCommittee"]

# A committee's own staff act on what reached their committee: sign for it (签收), then report it done (办结) with
# the hours it really took. No other level and no grant lets anyone act for them (issue 15); only the platform
# administrator (superuser), whom restrict() gives every level's stage, can, to repair a record.
_COMMITTEE_ONLY = {"committee": Q()}

# The most hours a task reported done may have taken, in all (issue 15 review N9): a year of full days is 8,760, so
# more is a typing slip; the received page warns of far less (plausibility.dispatch_hours_warnings).
MAX_HOURS_SPENT = Decimal(9999)


class Dispatch(ScopedModel):
    """A listed task sent to one committee, from a start to a due date; the committee signs for it and reports
    it done with the hours it took."""

    item = models.ForeignKey(TaskItem, verbose_name=_("list item"), on_delete=models.PROTECT, related_name="dispatches")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="dispatches")
    starts_on = models.DateField(_("from"))
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    hours_spent = models.DecimalField(
        _("hours actually spent"), max_digits=5, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), message=_("Hours cannot be negative.")),
                    MaxValueValidator(MAX_HOURS_SPENT, message=_("At most 9,999 hours."))])

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}
    actions = {
        "receive": Action(at=_COMMITTEE_ONLY, where=Q(received_at__isnull=True), grant=None),
        "complete": Action(at=_COMMITTEE_ONLY, where=Q(received_at__isnull=False, done_at__isnull=True), grant=None),
    }

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("starts_on")), name="dispatch_due_after_start",
                                   violation_error_message=_("The due date cannot come before the start.")),
            models.CheckConstraint(condition=Q(received_at__isnull=True) | Q(received_by__isnull=False),
                                   name="dispatch_received_by_someone",
                                   violation_error_message=_("A received task says who received it.")),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(received_at__isnull=False, done_by__isnull=False,
                                                      hours_spent__isnull=False),
                name="dispatch_done_after_receipt",
                violation_error_message=_("A task done was received first, and says who did it and the hours spent.")),
            models.CheckConstraint(condition=Q(hours_spent__isnull=True) | Q(hours_spent__gte=0),
                                   name="dispatch_hours_spent_not_negative",
                                   violation_error_message=_("Hours cannot be negative.")),
        ]
        indexes = [models.Index(fields=["committee", "starts_on", "due_on"], name="dispatch_committee_idx")]
        permissions = [("receive_dispatch", _("Can sign for a task sent to the committee")),
                       ("complete_dispatch", _("Can report a task sent to the committee done"))]

    def __str__(self) -> str:
        return f"{self.item} → {self.committee}"


def _attempts_at(lookup: str):  # noqa: ANN202 - a PathSpec: codes -> Q
    """The attempts that touched a committee under the units `codes` (one row per attempt, never one per
    committee: a subquery, not a join)."""
    def q(codes: list) -> Q:
        return Q(pk__in=RefusedDispatchCommittee.objects.filter(**{f"{lookup}__in": codes}).values("refusal_id"))
    return q


class RefusedDispatch(ScopedModel):
    """Evidence of one attempt to send committees something the lists do not allow: one row per attempt, with
    the committees it was meant for (`entries`, each with what concerned that committee alone).

    `reason` says what concerned the whole attempt (the item, the dates); it never names a committee, so that
    whoever reads the attempt through one committee learns nothing of the others. Blank: only committees were
    at fault, each with its own reason (`reason_for_reader`)."""

    committees = models.ManyToManyField(Committee, verbose_name=_("committees"), through="RefusedDispatchCommittee",
                                        related_name="+")
    item = models.ForeignKey(TaskItem, verbose_name=_("list item"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    title = models.CharField(_("task"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("from"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    attempted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attempted by"), on_delete=models.PROTECT,
                                     related_name="+")
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)

    scope_paths = {"district": _attempts_at("committee__street__district"), "street": _attempts_at("committee__street"),
                   "committee": _attempts_at("committee")}

    class Meta:
        verbose_name = _("refused dispatch")
        verbose_name_plural = _("refused dispatches")
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}: {self.reason}"

    @property
    def reason_for_reader(self) -> str:
        """What the attempt's reader is told of it as a whole: its own reason; when it has none (only committees
        were at fault), that some committees may not receive the item, but only to a reader one of whose
        committees (`visible_entries`, selectors.refused_dispatches) has its own reason: a reader whose
        committees were all fine learns nothing of the others (issue 15 review N1)."""
        if self.reason:
            return self.reason
        if any(entry.reason for entry in getattr(self, "visible_entries", ())):
            return str(_("Some of the committees chosen may not receive this item (each one's reason is given with "
                         "it)."))
        return ""


class RefusedDispatchCommittee(models.Model):
    """A committee a refused attempt was meant for, and what concerned it alone (blank: nothing of its own).
    Read only through its attempt, with the committees the reader may see (selectors.refused_dispatches)."""

    refusal = models.ForeignKey(RefusedDispatch, verbose_name=_("refused dispatch"), on_delete=models.CASCADE,
                                related_name="entries")
    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for this committee"), blank=True)

    class Meta:
        verbose_name = _("committee of a refused dispatch")
        verbose_name_plural = _("committees of refused dispatches")
        ordering = ["refusal", "committee"]
        constraints = [models.UniqueConstraint(fields=["refusal", "committee"], name="refused_dispatch_committee_once",
                                               violation_error_message=_("The attempt names this committee already."))]

    def __str__(self) -> str:
        return f"{self.refusal_id} → {self.committee_id}"
