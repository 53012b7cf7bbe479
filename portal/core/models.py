"""What every app relies on: the audit trail (STYLE.md B6), notifications, and the explicit grants restrict() reads.

The grant tables are django-guardian direct-foreign-key tables on the three scope levels only, defined in
portal/core/grant_models.py (imported here, so Django finds them among the core's models): the chokepoint that
reads them (portal/core/scoping.py, portal/core/grants.py) is what the scoped AuditEntry derives from.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.grant_models import (  # noqa: F401  (models of this app)
    CommitteeGroupObjectPermission,
    CommitteeUserObjectPermission,
    DistrictGroupObjectPermission,
    DistrictUserObjectPermission,
    StreetGroupObjectPermission,
    StreetUserObjectPermission,
)
from portal.core.scoping import Action, ScopedModel


class AuditEntry(ScopedModel):
    """One change to one record: who (`actor`), from where (`source`, portal/core/audit.py), when, what it was
    before and after. Written by the services (portal.core.audit.audit), never edited or deleted.

    The entry keeps the units its row belonged to when it was written (a snapshot, not a constraint: a unit
    renamed or merged later leaves the entry as it was), and is scoped by them: district staff read their
    district's entries, the city's staff every entry; an entry of a row outside the hierarchy (the calendar, a
    computation of the whole city) has no unit and only the city reads it."""

    class Source(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")
        IMPORT = "import", _("import")
        TASK = "task", _("background task")
        SYSTEM = "system", _("system")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.WEB)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    district = models.ForeignKey("committees.District", verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    street = models.ForeignKey("committees.Street", verbose_name=_("street"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    committee = models.ForeignKey("committees.Committee", verbose_name=_("committee"), null=True, blank=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    scope_paths = {"district": "district", "street": "street", "committee": "committee"}
    # Read by the unit's own staff (the role's core.view_auditentry: the district's and the city's): a grant opens
    # a unit's records, not its accountability trail. Written by the services alone, never edited or deleted.
    actions = {"view": Action(grant=None), "add": Action(at={}, grant=None), "change": Action(at={}, grant=None),
               "delete": Action(at={}, grant=None)}

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
                   models.Index(fields=["district", "-at"], name="audit_district_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class Notification(models.Model):
    """Something that waits for someone: shown under the bell, and sent by e-mail when they have an address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("for"), on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField(_("notification"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_user_idx")]

    def __str__(self) -> str:
        return self.text


class SubmissionToken(models.Model):
    """One sending of a form that creates something (issue 12, "one submit, one record").

    The form carries a one-time token (`FIELD`, rendered by `{% submission_token %}`); the first POST with it
    claims this row, and every later POST with the same token and the same values (a double click, a resent page)
    is shown `result_url`, what the first one made, instead of making it again (portal.core.views.submit_once).
    `result_url` is empty only while the first POST is running, or when it was cut off before it finished.
    Rows older than a day are swept by their user's next submission.
    """

    FIELD = "submission_token"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    token = models.UUIDField(_("token"))
    # What was sent (portal.core.views.submission_digest): the same form sent again with other values (back,
    # change a name, send) is another submission, not a repeat.
    digest = models.CharField(_("digest of the values"), max_length=64)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    path = models.CharField(_("form address"), max_length=300)
    result_url = models.CharField(_("result address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [
            models.UniqueConstraint(fields=["user", "token", "digest"], name="submission_token_unique",
                                    violation_error_message=_("This form was already submitted.")),
        ]
        indexes = [models.Index(fields=["user", "created_at"], name="submission_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.token} -> {self.result_url or '…'}"

