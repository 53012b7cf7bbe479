"""Reading one cell into a typed value, or a message in the user's language saying what is wrong with it.

Cells come from CSV (always text) or from a workbook (text, int, float, bool, date, datetime, or an UnreadCell:
a formula without a saved result), so every reader accepts both: an .xlsx keeps a code typed as a number, and a
date typed as a date. Text goes through the portal's one normaliser and dates through its one parser, both in
portal.core.spreadsheets, which the certificate catalogue and task-list imports share, and so do the readers of
yes/no cells, choices and numbers (read_bool, read_choice, read_int, read_decimal): the three imports accept
the same words and say the same thing.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from committees.interchange.schema import Column
from committees.models.annual import YEAR_MAX, YEAR_MIN
from portal.core.spreadsheets import (
    CellError,
    cell_text,
    parse_date,
    read_bool,
    read_choice,
    read_decimal,
    read_int,
    readable,
)

__all__ = ["DECIMAL_LIMITS", "CellError", "read_cell"]

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
    number = read_int(value)
    if column.key == "year" and not YEAR_MIN <= number <= YEAR_MAX:
        raise CellError(_("The year must be between 1949 and 2100."))
    return number


def _decimal(column: Column, value: Any) -> Decimal:
    return read_decimal(value, places=2, maximum=DECIMAL_LIMITS.get(column.key, Decimal("9999999.99")))


def _bool(column: Column, value: Any) -> bool:
    # The portal's one set of yes/no words (portal.core.spreadsheets.YES_NO), as the task-list import reads them;
    # the words the template writes (schema.BOOL_WORDS: 是/否) are among them.
    return read_bool(value)


def _choice(column: Column, value: Any) -> str:
    return read_choice(value, column.choices)


_READERS = {"text": _text, "code": _code, "date": _date, "int": _int, "decimal": _decimal, "bool": _bool, "choice": _choice}
