"""Writing the audit trail (STYLE.md B6): `audit()`, called by every service inside its transaction, and where
the entry says a write came from.

The source is decided once for everything a piece of work writes, never by the service that writes:
- a page: `web`, an API request (a path under /api/): `api` — AuditSourceMiddleware;
- a Celery task: `task` — the app's task class (portal.celery, AuditedTask);
- an import (organisation, task list, certificate catalogue): `import` — the import's service runs inside
  `audit_source(IMPORT)`, whoever started it (a page, a task or a command);
- anything else (a management command, the shell, the demo loader): `system`, the default.
The innermost wins: an import a task runs is `import`, a job a page runs inline is `task`.

An entry also keeps the units of its row at the time it was written (district, street, committee, read from the
model's `scope_paths`): the trail is scoped by them (AuditEntry.scope_paths), as the row was.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models import F
from django.forms.models import model_to_dict

from portal.core.models import AuditEntry

Source = AuditEntry.Source
_source: ContextVar[str | None] = ContextVar("audit_source", default=None)

# Personal data never written in clear into an entry (seed 003): the keyed hash of an ID number is left out (the
# masked number is stored as such), a phone number keeps its first 3 and last 4 digits.
_OMITTED = frozenset({"id_hash"})
_MASKED = "****"
_UNIT_LEVELS = ("district", "street", "committee")


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    """Within the block, every entry written says `source` (unless a block inside says otherwise)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    """Where the writes of the running code come from: the innermost `audit_source`, else `system`."""
    return _source.get() or Source.SYSTEM


def mask_phone(value: str) -> str:
    """`13812345678` -> `138****5678`; a short value is masked whole."""
    return value[:3] + _MASKED + value[-4:] if len(value) >= 8 else _MASKED if value else value


def _masked(name: str, value: Any) -> Any:
    return mask_phone(value) if "phone" in name and isinstance(value, str) else value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's own field values, for the before/after of an audit entry: {field name: JSON value}, personal data
    masked (phones) or left out (ID number hashes)."""
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields if f.name not in _OMITTED])
    return {key: _masked(key, str(value) if not isinstance(value, (int, float, bool, type(None))) else value)
            for key, value in data.items()}


def units_of(instance: models.Model) -> dict[str, Any]:
    """{"district_id", "street_id", "committee_id"} of the row, through its model's `scope_paths` (one query);
    None where the model names no lookup for the level, or a level the row does not reach in one (a request aimed
    at several committees is its district's). {} for a model outside the hierarchy (the calendar)."""
    paths = getattr(type(instance), "scope_paths", None) or {}
    lookups = {f"unit_{level}": F(path) for level in _UNIT_LEVELS
               if isinstance(path := paths.get(level), str)}
    if not lookups or instance.pk is None:
        return {}
    row = type(instance)._base_manager.filter(pk=instance.pk).values(**lookups).first() or {}
    return {f"{level}_id": row.get(f"unit_{level}") for level in _UNIT_LEVELS}


def audit(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    source: str | None = None,
    reason: str = "",
    units: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry, with its row's units and the current source (`source` only overrides it where a
    service knows better, which none does today). `units` ({"district_id": …}) for a row whose model reaches its
    units by no single lookup (a refused dispatch: its committees'). Call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source or current_source(),
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        reason=reason,
        **(units if units is not None else units_of(instance)),
    )


class AuditSourceMiddleware:
    """A request under /api/ writes `api` entries, any other request `web` ones."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with audit_source(Source.API if request.path_info.startswith("/api/") else Source.WEB):
            return self.get_response(request)
