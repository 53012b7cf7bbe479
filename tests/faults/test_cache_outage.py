"""The cache's Redis stops: every main page of every role still answers, the bell counts from the database, and
/health/ says the cache is down; Redis back, the cache is used again (issue 12, "Degrade, don't fail").

The cache is the production one (settings.redis_cache: django-redis, IGNORE_EXCEPTIONS) on a private Redis
of the test's own; override_settings(CACHES=...) makes Django drop its cache connections (the test signal
`clear_cache_handlers`), so `django.core.cache.cache` is that Redis for the test.
"""

import logging
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import override_settings

from committees.models import OrgImport
from portal.core.models import Notification
from portal.core.notifications import _key, notify
from portal.settings.base import redis_cache
from tests.support.factories import OrgImportFactory
from tests.support.services import RedisServer

pytestmark = [pytest.mark.faults, pytest.mark.django_db]


class _NavLinks(HTMLParser):
    """The links of the page's navigation bar (<nav>): the main pages this person is offered."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.links = 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        href = dict(attrs).get("href")
        if self.depth and tag == "a" and href and href.startswith("/"):
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.depth -= 1


def nav_links(html: str) -> list[str]:
    parser = _NavLinks()
    parser.feed(html)
    return list(dict.fromkeys(parser.links))


@pytest.fixture
def redis():  # noqa: ANN201
    with RedisServer() as server, override_settings(CACHES={"default": redis_cache(server.url())}):
        yield server


def test_pages_survive_a_cache_outage_and_the_cache_comes_back(redis, personas, client, caplog) -> None:  # noqa: ANN001
    people = list(personas.values())
    notify(people, "缓存故障演练")
    running = {  # an import in progress: its page reads its progress from the cache
        "district_staff": OrgImportFactory(district=personas["district_staff"].district, actor=personas["district_staff"],
                                           status=OrgImport.Status.CHECKING, rows_done=3, rows_total=None),
    }

    # Redis up: the bell's count is cached.
    for person in people:
        client.force_login(person)
        assert client.get("/").context["unread_notifications"] == 1
        assert cache.get(_key(person.pk)) == 1
    # A notice the cache does not know of: while Redis is down, only the database can count it.
    Notification.objects.bulk_create([Notification(user=person, text="数据库里的第二条") for person in people])

    redis.stop()
    caplog.set_level(logging.ERROR, logger="django_redis")
    walked = 0
    for name, person in personas.items():
        client.force_login(person)
        home = client.get("/")
        assert home.status_code == 200, name
        assert home.context["unread_notifications"] == 2, name
        pages = [*nav_links(home.content.decode()), "/notifications/"]
        if name in running:
            pages.append(f"/org/imports/{running[name].pk}/")
        assert len(pages) >= 5, (name, pages)
        for path in pages:
            response = client.get(path, follow=True)
            assert response.status_code == 200, (name, path)
            if response.context is not None and "unread_notifications" in response.context:
                assert response.context["unread_notifications"] == 2, (name, path)
            walked += 1
        if name in running:  # the import's progress, from its row
            assert (response.context["done"], response.context["total"]) == (3, None)
        # A write that clears the cached count: reading everything.
        assert client.post("/notifications/read/", follow=True).context["unread_notifications"] == 0
    assert walked > 7 * 5
    assert any(r.name.startswith("django_redis") and r.message == "Exception ignored" for r in caplog.records)

    health = client.get("/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["checks"]["cache"]["status"] == "down"
    assert health.json()["checks"]["database"]["status"] == "ok"

    # Redis back (empty, as after a restart): the count is cached again on the next page.
    redis.start()
    person = personas["committee_staff"]
    client.force_login(person)
    notify([person], "恢复以后")
    assert client.get("/").context["unread_notifications"] == 1
    assert cache.get(_key(person.pk)) == 1
    assert client.get("/health/").json()["checks"]["cache"]["status"] == "ok"

