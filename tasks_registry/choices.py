"""The choices of task admission (DOMAIN "Task admission"), with their labels in the user's language.

The models keep them under their old nested names too (`AdmissionRequest.Status`), as aliases.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["Category", "ListLevel", "ListStatus", "ReportEventKind", "ReportOutcome", "ReportStatus",
           "RequestEventKind", "RequestScope", "RequestStatus"]


class Category(models.TextChoices):
    DUTY = "duty", _("duty by law (依法履职)")
    ASSISTANCE = "assistance", _("assistance to government (依法协助)")
    SEAL = "seal", _("seal use (印章使用)")


class ListLevel(models.TextChoices):
    CITY = "city", _("city list")
    DISTRICT = "district", _("district list")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    STREET_REVIEW = "street_review", _("street review")
    DISTRICT_REVIEW = "district_review", _("district review")
    APPROVED = "approved", _("approved and filed")
    REJECTED = "rejected", _("rejected")
    RETURNED = "returned", _("returned for revision")



class RequestScope(models.TextChoices):
    COMMITTEES = "committees", _("chosen committees")
    STREETS = "streets", _("one or more streets")
    DISTRICT = "district", _("the whole district")


class RequestEventKind(models.TextChoices):
    CREATED = "created", _("created")
    SUBMITTED = "submitted", _("submitted")
    STREET_APPROVED = "street_approved", _("passed the street review")
    APPROVED = "approved", _("approved and filed")
    REJECTED = "rejected", _("rejected")
    RETURNED = "returned", _("returned for revision")
    COMMENT = "comment", _("comment")
    ATTACHMENT = "attachment", _("attachment")


class ReportStatus(models.TextChoices):
    """Where a violation report stands, read as a report (已提交, 已受理, …): the English words are those of
    admission requests and report events, so the labels carry their own context (issue 15)."""

    SUBMITTED = "submitted", pgettext_lazy("violation report status", "submitted")
    ACCEPTED = "accepted", pgettext_lazy("violation report status", "accepted")
    TRANSFERRED = "transferred", pgettext_lazy("violation report status", "transferred to the department")
    CLOSED = "closed", pgettext_lazy("violation report status", "closed")
    DISMISSED = "dismissed", pgettext_lazy("violation report status", "dismissed")


class ReportOutcome(models.TextChoices):
    WITHDRAWN = "withdrawn", _("the task was withdrawn")
    ADMITTED = "admitted", _("admitted after review")
    UNFOUNDED = "unfounded", _("unfounded")


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("reported")
    ACCEPTED = "accepted", _("accepted")
    DISMISSED = "dismissed", _("dismissed")
    TRANSFERRED = "transferred", _("transferred to the department")
    REPLIED = "replied", _("the department replied")
    CLOSED = "closed", _("closed")
