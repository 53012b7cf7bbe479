"""The certificates app's fixed lists: what a type's rule may be, whose list it is on, what the seal may go on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateRule(models.TextChoices):
    """Whether a committee may issue a type (DOMAIN "Certificates", REFERENCE §1)."""

    FACTS = "facts", _("may issue according to facts")
    DELIBERATION = "deliberation", _("may issue after residents' deliberation and the director's signature")
    DO_NOT_ISSUE = "refuse", _("do not issue")


class Jurisdiction(models.TextChoices):
    """Whose list a type is on: the national and city lists apply everywhere, a district's in that district."""

    NATIONAL = "national", _("national")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")


class SealItem(models.TextChoices):
    """The seal-use list (REFERENCE S8): the only things a committee's seal may go on."""

    RESOLUTION = "resolution", _("resolutions of the residents' meeting or residents' representatives' meeting")
    REPORT = "report", _("official documents reported in the committee's name")
    DISCLOSURE = "disclosure", _("public notices of residents' affairs")
    NOTICE = "notice", _("notices, announcements and publicity for residents")
    STATISTICS = "statistics", _("statistical reports and archives")
    AGREEMENT = "agreement", _("joint-activity and resource-sharing agreements")
    COMMENDATION = "commendation", _("commendations given in the committee's name")
    CERTIFICATE = "certificate", _("certificates issued to residents according to facts")
