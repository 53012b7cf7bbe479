"""What every app relies on: the audit trail (STYLE.md B6), notifications, and the explicit grants restrict() reads.

The grant tables are django-guardian direct-foreign-key tables on the three scope levels only. They live here,
beside the chokepoint that reads them (portal/core/scoping.py, portal/core/grants.py), and point at the
organisation by string, so the core imports no feature app. They kept the tables they had in `committees`
(issue 11: a move of the code, not of the data).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class AuditEntry(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")
        COMMAND = "command", _("command line")
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

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

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


# --- explicit grants (django-guardian direct-FK tables) ------------------------------------------------------
# Grants never go on workers or records (ENGINEERING §1): rows inherit access from their committee.
# `view_<level>` grants read access to the unit and everything under it, `change_<level>` read-write.
# guardian finds each table through the reverse relation on its target model (`content_object`).


class DistrictUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.District", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_districtuserobjectpermission"


class DistrictGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.District", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_districtgroupobjectpermission"


class StreetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.Street", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_streetuserobjectpermission"


class StreetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.Street", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_streetgroupobjectpermission"


class CommitteeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("committees.Committee", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        db_table = "committees_committeeuserobjectpermission"


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("committees.Committee", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        db_table = "committees_committeegroupobjectpermission"
