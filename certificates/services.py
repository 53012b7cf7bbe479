"""Catalogue upkeep and the lookup's tally."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from certificates.models import CertificateType, LookupTally


def count_answer(*, committee_id: str, certificate: CertificateType) -> None:
    """One more resident answered: a do-not-issue answer is a request turned away, a burden avoided."""
    day = timezone.localdate()
    keys = {"committee_id": committee_id, "certificate_type": certificate, "day": day}
    if LookupTally.objects.filter(**keys).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            LookupTally.objects.create(**keys, issuable=certificate.issuable, count=1)
    except IntegrityError:  # someone else counted the first one of the day at the same moment
        LookupTally.objects.filter(**keys).update(count=F("count") + 1)


def override(*, actor: Any, shared: CertificateType) -> CertificateType:
    """Start a district's own version of a national or city type (a copy that replaces it in the district)."""
    fields = ["name", "aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis",
              "source_document"]
    return CertificateType(jurisdiction=CertificateType.Jurisdiction.DISTRICT, district_id=actor.district_id,
                           overrides=shared, to_be_confirmed=False, **{f: getattr(shared, f) for f in fields})
