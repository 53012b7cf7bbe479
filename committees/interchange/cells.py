"""Reading one cell into a typed value, or a message in the user's language saying what is wrong with it.

Cells come from CSV (always text) or from a workbook (text, int, float, bool, date, datetime, or an UnreadCell:
a formula without a saved result), so every reader accepts both: an .xlsx keeps a code typed as a number, and a
date typed as a date. Text goes through the portal's one normaliser and dates through its one parser, both in
portal.core.spreadsheets, which the certificate catalogue and task-list imports share.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from committees.interchange.schema import Column
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.spreadsheets import CellError, cell_text, parse_date, readable

__all__ = ["DECIMAL_LIMITS", "CellError", "read_cell"]

_INTEGER = re.compile(r"^[+]?\d+$")
# Decimal places and the largest value a column takes (the model's max_digits).
DECIMAL_LIMITS = {"office_area_m2": Decimal("9999999.99"), "elder_area_m2": Decimal("9999999.99"),
                  "work_fund_yuan": Decimal("999999999999.99")}


def read_cell(column: Column, value: Any) -> Any:
    """The typed value of a non-blank cell. Raises CellError (also for a formula without a saved result)."""
    reader = _READERS[column.kind]
    return reader(column, readable(value))


def _text(column: Column, value: Any) -> str:
    # A staff number is a code (normalised: "ＨＰ－０００１" is HP-0001); a name stays as typed, its full-width
    # punctuation included, with only invisible characters removed (portal.core.spreadsheets.cell_text).
    text = cell_text(value, prose=not column.key.endswith("code"))
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("At most {n} characters.").format(n=column.max_length))
    return text


def _code(column: Column, value: Any) -> str:
    text = cell_text(value)  # "３１０１０１" or "310101\u200b" is the code 310101, not another unit
    if not (text.isascii() and text.isdigit() and len(text) == column.max_length):
        raise CellError(_("A code of {n} digits is expected.").format(n=column.max_length))
    return text


def _date(column: Column, value: Any) -> datetime.date:
    return parse_date(value)


def _int(column: Column, value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("A whole number is expected."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = cell_text(value)
        if text.startswith("-") and _INTEGER.match(text[1:]):
            raise CellError(_("Cannot be negative."))
        if not _INTEGER.match(text):
            raise CellError(_("A whole number is expected."))
        number = int(text)
    if number < 0:
        raise CellError(_("Cannot be negative."))
    if column.key == "year" and not YEAR_MIN <= number <= YEAR_MAX:
        raise CellError(_("The year must be between 1949 and 2100."))
    if number > 2_147_483_647:
        raise CellError(_("The number is too large."))
    return number


def _decimal(column: Column, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("A number is expected."))
    if isinstance(value, float) and abs(value - round(value, 2)) < 1e-9:
        value = round(value, 2)  # a formula's 0.1+0.2 is 0.30000000000000004 in the file
    text = repr(value) if isinstance(value, float) else cell_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(_("A number is expected.")) from exc
    if not number.is_finite():
        raise CellError(_("A number is expected."))
    if number < 0:
        raise CellError(_("Cannot be negative."))
    if number > DECIMAL_LIMITS.get(column.key, Decimal("9999999.99")):
        raise CellError(_("The number is too large."))
    if number.normalize().as_tuple().exponent < -2:  # trailing zeros ("1.500") are not places
        raise CellError(_("At most two decimal places."))
    return number.quantize(Decimal("0.01"))


def _bool(column: Column, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in column.choices:
        return column.choices[word]
    if word in ("true", "false"):  # what Excel writes for a TRUE/FALSE cell saved as CSV
        return word == "true"
    raise CellError(_("Expected one of: {words}.").format(words=_words(column)))


def _choice(column: Column, value: Any) -> str:
    word = cell_text(value)
    choice = column.choices.get(word) or column.choices.get(word.lower())
    if choice is None:
        raise CellError(_("Expected one of: {words}.").format(words=_words(column)))
    return choice


def _words(column: Column) -> str:
    return " / ".join(column.choices)


_READERS = {"text": _text, "code": _code, "date": _date, "int": _int, "decimal": _decimal, "bool": _bool, "choice": _choice}
