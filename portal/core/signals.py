"""Events the core announces, so that a feature app can react to another without importing it.

`import_applied`: an import was applied and its data are about to be committed.

- sender: the model that records the import (`committees.OrgImport` for the organisation import);
  receivers that care about one kind of import connect with `sender=` that model.
- actor: the `User` who imported, or None for the command line and other system runs.
- record: the import's record (an instance of `sender`), saved.
- counts: what was imported, by sheet: `{"committee_years": {"created": 2, "updated": 0, "unchanged": 5}, …}`.

It is sent inside the import's transaction, once the import's outcome is known to be a success: a receiver's
writes commit with the import or not at all, and work it hands to Celery belongs in `transaction.on_commit`.
A receiver that raises makes the import fail (Django's `Signal.send`), so receivers are short and reliable.
"""

from django.dispatch import Signal

import_applied = Signal()
