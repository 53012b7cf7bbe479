"""How the indicators follow the data: connected in IndicatorsConfig.ready()."""

from typing import Any

from portal.indicators.services import recompute_after_import


def recompute_after_import_applied(sender: type, *, actor: Any = None, **kwargs: Any) -> None:
    """`portal.core.signals.import_applied` for the organisation import: every year with data is computed
    again once the import commits (the runs are queued in its transaction, their tasks sent on commit)."""
    recompute_after_import(actor=actor)
