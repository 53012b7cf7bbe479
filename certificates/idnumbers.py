"""Resident ID numbers (GB 11643): read in their canonical form, checked, then never stored in clear: a mask for
reading, and a keyed hash (HMAC with PORTAL_ID_HASH_KEY) to find repeat applicants.

The canonical form is what `canonical_id_number` makes of what was typed: the text normaliser (portal.core.text:
full-width `１１０１…` and `Ｘ` typed in the Chinese input mode become ASCII, a pasted zero-width space goes), then
upper case (`x` is `X`). The mask and the hash are taken of it, so one person typed either way is one applicant.
"""

import datetime
import hashlib
import hmac
import re

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.text import normalise

__all__ = ["BIRTH_FLOOR", "canonical_id_number", "hash_id", "id_number_problem", "mask_id", "valid_id_number"]

_ID = re.compile(r"\d{17}[\dX]", re.ASCII)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# No living applicant was born before; a birth year of 1800 is a typing error (GB 11643 allows any date).
BIRTH_FLOOR = datetime.date(1900, 1, 1)


def canonical_id_number(text: str) -> str:
    """`text` as an ID number is compared, masked and hashed: normalised (portal.core.text), upper case.
    Raises: InvalidText naming a control character."""
    return normalise(text).upper()


def id_number_problem(number: str, *, today: datetime.date | None = None) -> str | None:
    """Why `number` (canonical) is no mainland resident ID number, in the active language (a birth date written
    YYYY-MM-DD in every message); None when it is one:
    17 digits and a digit or X, a birth date (digits 7 to 14) that exists, not before BIRTH_FLOOR and not after
    `today` (by default today in Asia/Shanghai, the portal's TIME_ZONE), and the ISO 7064 MOD 11-2 check
    character."""
    if not _ID.fullmatch(number):
        return _("An ID number has 18 characters: 17 digits, then a digit or X.")
    year, month, day = number[6:10], number[10:12], number[12:14]
    try:
        born = datetime.date(int(year), int(month), int(day))
    except ValueError:  # written as the other messages write a date (ISO), though no such day exists: 1985-02-30
        return _("The birth date in this ID number ({date}) is not a date: check the number.").format(
            date=f"{year}-{month}-{day}")
    if born < BIRTH_FLOOR:
        return _("The birth date in this ID number ({date}) is before {floor}: check the number.").format(
            date=born.isoformat(), floor=BIRTH_FLOOR.isoformat())
    if born > (today or timezone.localdate()):
        return _("The birth date in this ID number ({date}) is in the future: check the number.").format(
            date=born.isoformat())
    if _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11] != number[17]:
        return _("This is not a valid resident ID number.")  # a typing error somewhere: the check fails
    return None


def valid_id_number(number: str, *, today: datetime.date | None = None) -> bool:
    """Whether `number` (canonical) is a mainland resident ID number (id_number_problem finds nothing)."""
    return id_number_problem(number, today=today) is None


def mask_id(number: str) -> str:
    """What the register shows of a canonical number: the first 3 and last 4 characters."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def hash_id(number: str) -> str:
    """The keyed hash of a canonical number that finds a repeat applicant without keeping the number."""
    return hmac.new(settings.PORTAL_ID_HASH_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
