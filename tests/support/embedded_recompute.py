"""The recompute button on whatever database the settings select, as a browser's HTMX does it; prints one JSON line.

Run by tests/test_embedded_default.py in a subprocess with no DATABASE_URL and no broker: the embedded default,
where the computation runs inside the request that starts it (issue 15: the page must still say "done" and
show the new figures).
"""

import django

django.setup()

import datetime  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.indicators.models import ComputationRun, Result  # noqa: E402

setup_test_environment()  # response.context, as in the tests
HTMX = {"HX-Request": "true"}
DASHBOARD = "/indicators/district/310101/"


def computed_at(html: str) -> str:
    found = re.search(r"计算时间：([^。]+)。", html)
    return found.group(1) if found else ""


client = Client()
assert client.post("/accounts/login/", {"username": "huangpu", "password": "jianfu-demo-2026"}).status_code == 302
year = client.get(DASHBOARD).context["year"]
# The demo was computed minutes ago: move the year's figures back so that a new time reads differently.
earlier = timezone.now() - datetime.timedelta(hours=3)
ComputationRun.objects.filter(year=year).update(finished_at=earlier)
Result.objects.filter(year=year).update(computed_at=earlier)
before = client.get(f"{DASHBOARD}?year={year}")
answer = client.post("/indicators/recompute/", {"year": str(year)}, headers=HTMX)
# What HTMX then does on the answer's HX-Trigger: #dashboard-body fetches its figures again.
after = client.get(f"{DASHBOARD}?year={year}", headers=HTMX)
run = ComputationRun.objects.latest("created_at")
print(json.dumps({
    "year": year, "run": run.status, "trigger": answer.get("HX-Trigger"), "answer": answer.content.decode(),
    "before": computed_at(before.content.decode()), "after": computed_at(after.content.decode()),
    "partial": [t.name for t in after.templates][0], "after_html": after.content.decode()[:200],
}, ensure_ascii=False))
