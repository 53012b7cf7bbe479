"""Notifications: a row per person under the bell, an e-mail through Django's e-mail backend, after commit.

The bell's unread count is cached per person (no query on every page); notifying or reading clears it.
With the cache's Redis down the cache answers a miss and skips writes (IGNORE_EXCEPTIONS, settings.redis_cache),
so the count comes from the database on every page; a count cached before a network cut may then be up to
5 minutes (the key's timeout) behind once Redis answers again.
"""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction

from portal.core.models import Notification

logger = logging.getLogger(__name__)


def _key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def notify(users: Iterable[Any], text: str, url: str = "", *, unless_told_since: datetime.datetime | None = None
           ) -> list[Notification]:
    """Tell each of `users` (once each) that something waits for them. Call it inside the action's transaction.

    `unless_told_since`: people who were already given this same text and link since then are left out, so a
    scheduled reminder delivered twice (a worker lost, issue 12) tells nobody twice. Returns the rows created.
    """
    people = {user.pk: user for user in users if user is not None and user.is_active}
    if unless_told_since is not None and people:
        told = Notification.objects.filter(user_id__in=list(people), text=text[:300], url=url,
                                           created_at__gte=unless_told_since).values_list("user_id", flat=True)
        for pk in set(told):
            del people[pk]
    return notify_each([(people.values(), text, url)])


def notify_each(messages: Iterable[tuple[Iterable[Any], str, str]]) -> list[Notification]:
    """Tell each of many groups of people its own news: `messages` are (users, text, url), each user told once
    per message. One insert for every row, and after commit one cache clearing and one connection to the mail
    server for every e-mail, however many messages (a task sent to 300 committees). Call it inside the action's
    transaction. Returns the rows created."""
    rows: list[Notification] = []
    mails: list[tuple[str, str, str, list[str]]] = []
    told: set[int] = set()
    for users, text, url in messages:
        people = {user.pk: user for user in users if user is not None and user.is_active}
        rows += [Notification(user_id=pk, text=text[:300], url=url) for pk in people]
        mails += [(f"[减负通] {text}"[:200], f"{text}\n\n{settings.PORTAL_BASE_URL}{url}", settings.DEFAULT_FROM_EMAIL,
                   [person.email]) for person in people.values() if person.email]
        told.update(people)
    rows = Notification.objects.bulk_create(rows)

    def after_commit() -> None:
        cache.delete_many([_key(pk) for pk in told])
        if mails:
            try:
                send_mass_mail(mails, fail_silently=False)
            except OSError:  # the portal keeps working when the mail server does not
                logger.exception("notification e-mail failed")

    transaction.on_commit(after_commit)
    return rows


def withdraw(url: str, *, keep: Iterable[Any] = ()) -> int:
    """What the unread notifications at `url` asked is done (by their reader or another): they are marked read
    for everyone but `keep` (the applicant, whose own notices stay). Call it inside the action's transaction,
    before telling the next people. Returns how many were withdrawn."""
    from django.utils import timezone

    rows = Notification.objects.filter(url=url, read_at__isnull=True).exclude(user__in=[u.pk for u in keep if u])
    users = set(rows.values_list("user_id", flat=True))
    count = rows.update(read_at=timezone.now())
    if users:
        transaction.on_commit(lambda: cache.delete_many([_key(pk) for pk in users]))
    return count


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    count = cache.get(_key(user.pk))
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(_key(user.pk), count, 300)
    return count


def mark_read(user: Any, ids: Iterable[int] | None = None) -> None:
    from django.utils import timezone

    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    rows.update(read_at=timezone.now())
    cache.delete(_key(user.pk))


def bell(request: Any) -> dict[str, Any]:
    """Context processor: the unread count for the bell in the header."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_count(user) if user is not None else 0}
