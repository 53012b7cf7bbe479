"""Walks the main pages as each demo user on whatever database the settings select; prints one line a page.

Run by tests/test_embedded_default.py in a subprocess with no DATABASE_URL: the embedded SQLite default.
"""

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402

from committees.models import OrgImport  # noqa: E402
from portal.indicators.models import ComputationRun  # noqa: E402

PAGES = ["/", "/notifications/", "/tasks/lists/", "/tasks/received/", "/tasks/reports/",
         "/org/", "/org/districts/310101/", "/org/streets/310101013/", "/org/committees/", "/org/committees/?q=宝兴",
         "/org/committees/310101013018/", "/api/v1/committees/", "/api/v1/committee-years/?year=2025", "/api/docs/"]
CERTIFICATES = ["/certificates/?q=开个死亡证明", "/certificates/catalogue/", "/certificates/register/", "/certificates/seals/",
                "/certificates/statistics/", "/api/v1/certificate-lookup/?q=hyzk"]  # not for departments
IMPORTS = ["/org/imports/", "/org/imports/template.xlsx", "/org/export.xlsx"]
INDICATORS = ["/api/v1/results/?year=2025&scope=district", "/api/v1/targets/", "/api/v1/runs/"]
USERS = {"city": PAGES + CERTIFICATES + IMPORTS + INDICATORS + ["/indicators/city/310000/"],
         "huangpu": PAGES + CERTIFICATES + IMPORTS + INDICATORS + [
             "/org/grants/", "/tasks/dispatch/", "/indicators/district/310101/",
             "/indicators/district/310101/space.xlsx?year=2025"],
         "huangpu_health": PAGES + ["/tasks/requests/", "/tasks/requests/new/", "/tasks/requests/similar/?title=健康台账"],
         "waitan": PAGES + CERTIFICATES + IMPORTS + INDICATORS + ["/indicators/street/310101013/", "/tasks/requests/",
                                                   "/tasks/requests/new/", "/tasks/requests/similar/?title=健康台账"],
         "baoxing": [p for p in PAGES if not p.startswith("/org/districts") and not p.startswith("/org/streets/31010101")]
         + INDICATORS + CERTIFICATES + ["/indicators/committee/310101013018/"]}

client = Client()
for path in ["/accounts/login/", "/health/", "/public/task-lists/?q=台账", "/public/certificates/?q=死亡"]:
    print(client.get(path).status_code, "anonymous", path)
for username, pages in USERS.items():
    # Through the login page, as a person does (axes needs the request).
    response = client.post("/accounts/login/", {"username": username, "password": "jianfu-demo-2026"})
    assert response.status_code == 302, username
    for path in pages:
        print(client.get(path).status_code, username, path)
    if username == "huangpu":
        # The recompute button on SQLite, with Celery in-process: the run is done when the answer comes.
        client.post("/indicators/recompute/", {"year": "2025"})
        run = ComputationRun.objects.latest("created_at")
        print(200 if run.status == "done" and run.result_count > 1000 else 500, username, "recompute", run.status)
    if username == "waitan":
        # The street's own export, imported back on SQLite: checked, confirmed, nothing changed.
        export = SimpleUploadedFile("export.xlsx", client.get("/org/export.xlsx").getvalue())
        detail = client.post("/org/imports/", {"files": export}).url
        confirmed = client.post(f"{detail}confirm/", follow=True)
        record = OrgImport.objects.latest("created_at")
        totals = record.totals()
        ok = confirmed.status_code == 200 and record.status == "done" and totals["created"] == totals["updated"] == 0
        print(200 if ok else 500, username, "import of the export", record.status, totals, record.errors[:3])
    client.post("/accounts/logout/")
