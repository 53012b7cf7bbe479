"""Explicit grants, read for restrict(). (Moving the grant tables here from committees: issue 11, in progress.)"""

from collections.abc import Iterator
from typing import Any


def grant_rows_for_user(user: Any) -> Iterator[tuple[str, str, str]]:
    from committees.models import grant_rows_for_user as rows

    yield from rows(user)
