"""Generic writes for CRUD-only scoped models, shared by the pages and the API (STYLE.md B1 rule of two).

Domain transitions get services of their own; these cover the plain create and edit of a record.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit, snapshot


def record_written(*, actor: Any, instance: models.Model, action: str, before: dict | None) -> None:
    """After a write, inside its transaction: refuse it if the row left the actor's scope, else audit it.

    Raises PermissionDenied, which rolls the write back with the transaction.
    """
    model = type(instance)
    if not model.objects.restrict(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("The record would be outside your scope."))
    audit(actor=actor, action=f"{model._meta.model_name}.{'create' if action == 'add' else 'update'}",
          instance=instance, before=before, after=snapshot(instance))


@transaction.atomic
def record_save(*, actor: Any, instance: models.Model) -> models.Model:
    """Validate and save a new or changed record of a scoped model, with scope check and audit entry.

    Raises ValidationError (from full_clean) or PermissionDenied.
    """
    adding = instance._state.adding
    before = None
    if not adding:
        before = snapshot(type(instance).objects.select_for_update().get(pk=instance.pk))
    instance.full_clean()
    instance.save()
    record_written(actor=actor, instance=instance, action="add" if adding else "change", before=before)
    return instance
