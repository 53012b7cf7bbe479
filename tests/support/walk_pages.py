"""Walks the main pages as each demo user on whatever database the settings select; prints one line a page.

Run by tests/test_embedded_default.py in a subprocess with no DATABASE_URL: the embedded SQLite default.
"""

import django

django.setup()

from django.test import Client  # noqa: E402

PAGES = ["/", "/org/", "/org/districts/310101/", "/org/streets/310101013/", "/org/committees/", "/org/committees/?q=宝兴",
         "/org/committees/310101013018/", "/api/v1/committees/", "/api/v1/committee-years/?year=2025", "/api/docs/"]
USERS = {"city": PAGES, "huangpu": PAGES + ["/org/grants/"], "huangpu_health": PAGES, "waitan": PAGES,
         "baoxing": [p for p in PAGES if not p.startswith("/org/districts") and not p.startswith("/org/streets/31010101")]}

client = Client()
for path in ["/accounts/login/", "/health/"]:
    print(client.get(path).status_code, "anonymous", path)
for username, pages in USERS.items():
    # Through the login page, as a person does (axes needs the request).
    response = client.post("/accounts/login/", {"username": username, "password": "jianfu-demo-2026"})
    assert response.status_code == 302, username
    for path in pages:
        print(client.get(path).status_code, username, path)
    client.post("/accounts/logout/")
