"""Resident ID numbers (GB 11643): checked, then never stored in clear: a mask for reading, and a keyed hash
(HMAC with PORTAL_ID_HASH_KEY) to find repeat applicants."""

import datetime
import hashlib
import hmac
import re

from django.conf import settings

__all__ = ["hash_id", "mask_id", "valid_id_number"]

_ID = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(number: str) -> bool:
    """A mainland resident ID number: 17 digits, a real birth date, and an ISO 7064 MOD 11-2 check character."""
    if not _ID.match(number):
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return _CHECK[sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11] == number[17]


def mask_id(number: str) -> str:
    """What the register shows: the first 3 and last 4 characters."""
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def hash_id(number: str) -> str:
    """The keyed hash that finds a repeat applicant without keeping the number."""
    return hmac.new(settings.PORTAL_ID_HASH_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()
