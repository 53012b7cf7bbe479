from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from portal.core.models import AuditEntry


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The row's own field values, for the before/after of an audit entry."""
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields])
    return {key: (str(value) if not isinstance(value, (int, float, bool, type(None))) else value) for key, value in data.items()}


def audit(
    *,
    actor: Any,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    source: str = AuditEntry.Source.WEB,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry. Call it inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        reason=reason,
    )
