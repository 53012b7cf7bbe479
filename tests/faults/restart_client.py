"""The portal's side of tests/faults/test_database_restart.py, run in a subprocess whose DATABASE_URL is the test's
private PostgreSQL (so Django's psycopg pool is on, with the settings' options, as in production).

It reads one command a line on stdin and answers one JSON line on stdout:
    walk   -> [[path, status], ...] for PAGES, as a logged-in person, one request after another
    health -> [status, body] of /health/
    quit
Every request is bracketed by close_old_connections(), as a server's request_started and request_finished
signals do (Django's test client leaves them out, to keep a test's transaction): with CONN_MAX_AGE 0 each request
takes a connection from the pool and gives it back, as in production.
"""

import json
import sys

import django

django.setup()

from django.db import close_old_connections, connections  # noqa: E402
from django.test import Client  # noqa: E402

from portal.accounts.models import User  # noqa: E402

PAGES = ["/", "/notifications/", "/org/", "/org/committees/", "/tasks/lists/", "/certificates/catalogue/", "/health/"]

client = Client(raise_request_exception=False)  # a failing request answers 500, as it would to a person
user, _ = User.objects.get_or_create(username="restart", defaults={"role": "city"})
client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
connections.close_all()  # back to the pool


def get(path: str):  # noqa: ANN201
    close_old_connections()
    try:
        return client.get(path)
    finally:
        close_old_connections()


for line in sys.stdin:
    command = line.strip()
    if command == "walk":
        answer = [[path, get(path).status_code] for path in PAGES]
    elif command == "health":
        response = get("/health/")
        answer = [response.status_code, response.json()]
    else:
        break
    print(json.dumps(answer), flush=True)
