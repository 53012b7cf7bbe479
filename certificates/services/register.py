"""The certificate register and the seal register.

Serial numbers are per committee and year, unique and without gaps even when two people register at
the same moment: the committee's counter row is locked while the next number is given, in the same
transaction as the registration (and its seal entry). ID numbers are never stored in clear
(certificates/idnumbers.py).

Only a committee's own staff write its registers: the committee is authorised through the committees the actor
acts for (`selectors.acting_committees`, which the pages' buttons ask too: an explicit grant lets others read a
register, never write it), and the new row is confirmed by the declared action, `restrict(actor, "add")`, before
the transaction commits; a void goes through `Registration.objects.restrict(actor, "void")`.

The three services raise alike: PermissionDenied when the actor's role never does it (403), DoesNotExist when
the committee or the registration is out of the actor's reach (404), DomainError for a refusal (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from certificates.choices import SealItem
from certificates.idnumbers import canonical_id_number, hash_id, id_number_problem, mask_id
from certificates.models import CertificateType, Registration, SealUse, SerialCounter
from certificates.selectors import acting_committees, certificate_type_catalogue, certificate_type_issuable
from committees.models import Committee
from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.text import InvalidText, invalid_text_message

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["registration_create", "registration_void", "seal_use_create"]


def _next_serial(committee: Committee, year: int) -> int:
    # DOMAIN "Certificates": serials have no gaps -> lock the (committee, year) counter row.
    SerialCounter.objects.bulk_create([SerialCounter(committee=committee, year=year)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(committee=committee, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _confirm_added(actor: User, row: Registration | SealUse) -> None:
    """The declared "add" action confirms the new row (as record_written does), inside the transaction: a row it
    does not reach is rolled back with PermissionDenied."""
    if not type(row).objects.restrict(actor, "add").filter(pk=row.pk).exists():
        raise PermissionDenied(_("The record would be outside your scope."))


def _issuable(actor: User, committee: Committee, certificate_type: CertificateType) -> CertificateType:
    """The type as the committee's catalogue has it, or the refusal: a do-not-issue type with its route, or a type
    the catalogue does not hold."""
    district = committee.street.district_id
    issuable = {c.pk: c for c in certificate_type_issuable(actor=actor, district=district)}
    if certificate_type.pk in issuable:
        return issuable[certificate_type.pk]
    refused = next((c for c in certificate_type_catalogue(district=district,
                                                          queryset=CertificateType.objects.restrict(actor, "view"))
                    if c.pk == certificate_type.pk), None)
    if refused is None:
        raise DomainError(_("This certificate is not in your district's catalogue."), code="unknown_type")
    raise DomainError(_("Not issued by committees: send the resident to {by}: {route}").format(
        by=refused.handled_by, route=refused.alternative_route), code="do_not_issue")


@sensitive_variables("id_number")
def registration_create(*, actor: User, committee: Committee, certificate_type: CertificateType, applicant_name: str,
                        id_number: str, purpose: str, facts: str, verification: str, seal_used: bool = True,
                        approver: str = "") -> Registration:
    """Register a certificate `committee` issued, under its next serial number, and its seal use.

    Side effects: locks and advances the committee's (year) serial counter; writes the registration, its seal
    entry when the seal is used (both or neither), and an audit entry; all in one transaction.
    Raises: PermissionDenied without the role's "add" on registrations (403); Committee.DoesNotExist when the
    actor does not register for `committee` (not its own staff, whatever they were granted: 404); DomainError
    "unknown_type" for a type outside the committee's district's catalogue, "do_not_issue" (with the route to
    tell the resident) for a type committees do not issue, "id_number" for an invalid ID number (its message says
    what is wrong: the length, a birth date that does not exist, is before 1900 or in the future, the check
    character). `id_number` is read in its canonical form (idnumbers.canonical_id_number) whatever the caller did.
    This is the one place the ID number's rule is applied: the page's form and the API's serializer only normalise
    it, and show this refusal on their `id_number` field (the DomainError's `fields`).
    """
    # The whole body is one transaction, authorisation included. A `with` block rather than @transaction.atomic:
    # the decorator's frame would hold the ID number in clear, out of sensitive_variables' reach.
    with transaction.atomic():
        if not may_ever(actor, Registration, "add"):
            raise PermissionDenied
        committee = acting_committees(actor=actor, model=Registration).select_related("street").get(pk=committee.pk)
        certificate_type = _issuable(actor, committee, certificate_type)
        # The canonical form (full-width digits and Ｘ typed in the Chinese input mode, x): one person, one hash.
        try:
            id_number = canonical_id_number(id_number)
        except InvalidText as error:
            message = invalid_text_message(error)
            raise DomainError(message, code="id_number", fields={"id_number": [message]}) from None
        if (message := id_number_problem(id_number)) is not None:
            raise DomainError(message, code="id_number", fields={"id_number": [message]})
        now = timezone.now()
        year = timezone.localdate(now).year
        registration = Registration.objects.create(
            committee=committee, year=year, serial=_next_serial(committee, year),
            certificate_type=certificate_type, applicant_name=applicant_name.strip(), id_masked=mask_id(id_number),
            id_hash=hash_id(id_number), purpose=purpose.strip(), facts=facts.strip(), verification=verification.strip(),
            issuer=actor, issued_at=now, seal_used=seal_used)
        _confirm_added(actor, registration)
        if seal_used:  # the seal entry is written with the certificate, or neither is
            SealUse.objects.create(
                committee=committee, used_at=now, item=SealItem.CERTIFICATE, copies=1,
                content=f"出具{certificate_type.name}（{registration.number}）",
                approver=approver.strip() or actor.get_full_name() or actor.username, handler=actor,
                applicant_name=registration.applicant_name, registration=registration)
        audit(actor=actor, action="registration.create", instance=registration,
              after={**snapshot(registration), "number": registration.number, "type": certificate_type.name})
    return registration


@transaction.atomic
def registration_void(*, actor: User, registration: Registration, reason: str) -> Registration:
    """Void a wrong registration with a reason; it keeps its serial, nothing is deleted.

    Side effects: locks the row; sets its void fields; an audit entry.
    Raises: PermissionDenied without the role's "void" (403); Registration.DoesNotExist when the registration is
    out of the actor's reach (another committee's, or already voided: the caller may tell the two apart by reading
    it: 404); DomainError "reason" without a reason.
    """
    if not may_ever(actor, Registration, "void"):
        raise PermissionDenied
    locked = Registration.objects.restrict(actor, "void").select_for_update().get(pk=registration.pk)
    if not reason.strip():
        raise DomainError(_("Give the reason for the void."), code="reason", fields={"reason": [_("Required.")]})
    before = snapshot(locked)
    locked.mark_voided(reason=reason.strip(), by=actor, at=timezone.now())
    locked.save(update_fields=["voided_at", "void_reason", "voided_by"])
    audit(actor=actor, action="registration.void", instance=locked, before=before, after=snapshot(locked),
          reason=locked.void_reason)
    return locked


@transaction.atomic
def seal_use_create(*, actor: User, committee: Committee, item: str, content: str, copies: int, approver: str,
                    applicant_name: str = "", applicant_phone: str = "") -> SealUse:
    """Register a use of `committee`'s seal other than a certificate (those come with their registration).

    Side effects: the seal register's row; an audit entry.
    Raises: PermissionDenied without the role's "add" on seal uses (403); Committee.DoesNotExist when the actor
    does not keep `committee`'s seal register (404); DomainError "seal_item" for anything not on the seal-use list.
    """
    if not may_ever(actor, SealUse, "add"):
        raise PermissionDenied
    committee = acting_committees(actor=actor, model=SealUse).get(pk=committee.pk)
    if item not in SealItem.values or item == SealItem.CERTIFICATE:
        raise DomainError(_("The seal may only be used for an item of the seal-use list; certificates are "
                            "registered in the certificate register."), code="seal_item")
    use = SealUse.objects.create(committee=committee, used_at=timezone.now(), item=item, content=content.strip(),
                                 copies=copies, approver=approver.strip(), handler=actor,
                                 applicant_name=applicant_name.strip(), applicant_phone=applicant_phone.strip())
    _confirm_added(actor, use)
    audit(actor=actor, action="sealuse.create", instance=use, after=snapshot(use))
    return use
