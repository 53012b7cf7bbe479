"""The certificate register and the seal register.

Serial numbers are per committee and year, unique and without gaps even when two people register at
the same moment: the committee's counter row is locked while the next number is given, in the same
transaction as the registration (and its seal entry). ID numbers are never stored in clear: a mask for
reading, and an HMAC (PORTAL_ID_HASH_KEY) to find repeat applicants.
"""

import datetime
import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from certificates.lookup import effective_catalogue
from certificates.models import CertificateType, Registration, SealItem, SealUse, SerialCounter
from portal.core.audit import audit
from portal.core.exceptions import DomainError

_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(number: str) -> bool:
    """A mainland resident ID number (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character."""
    if not _ID.match(number):
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11] == number[17]


def mask_id(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def hash_id(number: str) -> str:
    return hmac.new(settings.PORTAL_ID_HASH_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


def _next_serial(committee_id: str, year: int) -> int:
    SerialCounter.objects.bulk_create([SerialCounter(committee_id=committee_id, year=year)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(committee_id=committee_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


@sensitive_variables("id_number")
def register(*, actor: Any, certificate_type: CertificateType, applicant_name: str, id_number: str, purpose: str,
             facts: str, verification: str, seal_used: bool = True, approver: str = "") -> Registration:
    """Register an issued certificate (and its seal use). A do-not-issue type is refused with its route."""
    if not actor.committee_id:
        raise PermissionDenied
    catalogue = {c.pk: c for c in effective_catalogue(actor.district_id)}
    certificate_type = catalogue.get(certificate_type.pk)
    if certificate_type is None:
        raise DomainError(_("This certificate is not in your district's catalogue."), code="unknown_type")
    if not certificate_type.issuable:
        raise DomainError(_("不予出具: send the resident to {by}: {route}").format(
            by=certificate_type.handled_by, route=certificate_type.alternative_route), code="do_not_issue")
    id_number = id_number.strip().upper()
    if not valid_id_number(id_number):
        message = _("This is not a valid resident ID number.")
        raise DomainError(message, code="id_number", fields={"id_number": [message]})
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic():
        registration = Registration.objects.create(
            committee_id=actor.committee_id, year=year, serial=_next_serial(actor.committee_id, year),
            certificate_type=certificate_type, applicant_name=applicant_name.strip(), id_masked=mask_id(id_number),
            id_hash=hash_id(id_number), purpose=purpose.strip(), facts=facts.strip(), verification=verification.strip(),
            issuer=actor, issued_at=now, seal_used=seal_used)
        if seal_used:  # the seal entry is written with the certificate, or neither is
            SealUse.objects.create(
                committee_id=actor.committee_id, used_at=now, item=SealItem.CERTIFICATE, copies=1,
                content=f"出具{certificate_type.name}（{registration.number}）",
                approver=approver.strip() or actor.get_full_name() or actor.username, handler=actor,
                applicant_name=registration.applicant_name, registration=registration)
        audit(actor=actor, action="registration.create", instance=registration,
              after={"number": registration.number, "type": certificate_type.name, "seal": seal_used})
    return registration


@transaction.atomic
def void(*, actor: Any, registration: Registration, reason: str) -> Registration:
    """A wrong registration is voided with a reason; it keeps its serial, nothing is deleted."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.committee_id != actor.committee_id:
        raise PermissionDenied
    if locked.voided_at:
        raise DomainError(_("This registration was already voided."), code="voided")
    if not reason.strip():
        raise DomainError(_("Give the reason for the void."), code="reason", fields={"reason": [_("Required.")]})
    locked.voided_at, locked.void_reason, locked.voided_by = timezone.now(), reason.strip(), actor
    locked.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit(actor=actor, action="registration.void", instance=locked, after={"reason": locked.void_reason})
    return locked


def record_seal_use(*, actor: Any, item: str, content: str, copies: int, approver: str, applicant_name: str = "",
                    applicant_phone: str = "") -> SealUse:
    """A use of the seal other than a certificate; only for an item of the seal-use list."""
    if not actor.committee_id:
        raise PermissionDenied
    if item not in SealItem.values or item == SealItem.CERTIFICATE:
        raise DomainError(_("The seal may only be used for an item of the seal-use list; certificates are "
                            "registered in the certificate register."), code="seal_item")
    with transaction.atomic():
        use = SealUse.objects.create(committee_id=actor.committee_id, used_at=timezone.now(), item=item,
                                     content=content.strip(), copies=copies, approver=approver.strip(), handler=actor,
                                     applicant_name=applicant_name.strip(), applicant_phone=applicant_phone.strip())
        audit(actor=actor, action="sealuse.create", instance=use, after={"item": item, "copies": copies})
    return use
