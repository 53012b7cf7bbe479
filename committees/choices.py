from django.db import models
from django.utils.translation import gettext_lazy as _


class StreetKind(models.TextChoices):
    STREET = "street", _("street")
    TOWN = "town", _("town")
    TOWNSHIP = "township", _("township")


class CommitteeKind(models.TextChoices):
    RESIDENTS = "residents", _("residents' committee")
    VILLAGE = "village", _("village committee")


class QualificationLevel(models.TextChoices):
    ASSISTANT = "assistant", _("assistant social worker")
    INTERMEDIATE = "intermediate", _("social worker")
    SENIOR = "senior", _("senior social worker")


# Rank of each level, for "the highest qualification obtained on or before D" (DOMAIN "Indicators").
LEVEL_RANK = {QualificationLevel.ASSISTANT: 1, QualificationLevel.INTERMEDIATE: 2, QualificationLevel.SENIOR: 3}


class FundKind(models.TextChoices):
    FUND = "fund", _("community fund")
    FOUNDATION = "foundation", _("community foundation")
