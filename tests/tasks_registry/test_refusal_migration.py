"""The data migration of issue 15: refused dispatches written one row per committee become one row per attempt,
naming every committee of it (tasks_registry/migrations/0009_one_refusal_per_attempt_data.py)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tasks_registry.models import RefusedDispatch, RefusedDispatchCommittee

pytestmark = pytest.mark.django_db

BEFORE = ("tasks_registry", "0008_dispatch_receipt_and_one_refusal_per_attempt")
BEFORE_0008 = ("tasks_registry", "0007_code_fields")


def _latest() -> tuple[str, str]:
    """The app's last migration: where every test leaves the database."""
    (leaf,) = MigrationExecutor(connection).loader.graph.leaf_nodes("tasks_registry")
    return leaf


def _migrate(target: tuple[str, str]):  # noqa: ANN202
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_rows_of_one_attempt_become_one_attempt_naming_every_committee(world, street_officer, district_staff) -> None:  # noqa: ANN001
    # Inside the test's transaction: deferred foreign-key checks would block the ALTER TABLE of the migrations.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    old = _migrate(BEFORE)
    try:
        refused = old.get_model("tasks_registry", "RefusedDispatch")
        at = timezone.now()

        def row(committee, *, by=street_officer, title="创文迎检台账", reason="不在任何清单上", when=at):  # noqa: ANN001, ANN202
            made = refused.objects.create(committee_id=committee.pk, title=title, year=2026, reason=reason,
                                          attempted_by_id=by.pk)
            refused.objects.filter(pk=made.pk).update(attempted_at=when)  # auto_now_add: set as the old bulk insert did
            return made

        # One attempt, written by one bulk insert: the same moment to within microseconds.
        row(world.baoxing)
        row(world.hankou, when=at + datetime.timedelta(microseconds=40))
        # The same person and task an hour later: another attempt.
        row(world.baoxing, when=at + datetime.timedelta(hours=1))
        # Another person, the same task at the same moment: another attempt.
        row(world.yunnan, by=district_staff)
        # A reason of its own (naming its committee): not merged with the others.
        row(world.hankou, reason="汉口路居委会在 2026-03-01 不是存续的居村委会。")
    finally:
        _migrate(_latest())
    attempts = {(attempt.attempted_by_id, attempt.reason, frozenset(attempt.committees.values_list("pk", flat=True)))
                for attempt in RefusedDispatch.objects.all()}
    assert attempts == {
        (street_officer.pk, "不在任何清单上", frozenset({world.baoxing.pk, world.hankou.pk})),
        (street_officer.pk, "不在任何清单上", frozenset({world.baoxing.pk})),
        (district_staff.pk, "不在任何清单上", frozenset({world.yunnan.pk})),
        (street_officer.pk, "汉口路居委会在 2026-03-01 不是存续的居村委会。", frozenset({world.hankou.pk})),
    }


def test_the_migration_runs_backwards_to_one_row_per_committee(world, street_officer) -> None:  # noqa: ANN001
    attempt = RefusedDispatch.objects.create(title="台账", year=2026, reason="不在任何清单上", attempted_by=street_officer)
    RefusedDispatchCommittee.objects.create(refusal=attempt, committee=world.baoxing)
    RefusedDispatchCommittee.objects.create(refusal=attempt, committee=world.hankou, reason="另有原因。")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        old = _migrate(BEFORE)
        rows = set(old.get_model("tasks_registry", "RefusedDispatch").objects.values_list("committee_id", "reason"))
        assert rows == {(world.baoxing.pk, "不在任何清单上"), (world.hankou.pk, "不在任何清单上 另有原因。")}
    finally:
        _migrate(_latest())


def test_the_round_trip_keeps_each_attempts_moment(world, street_officer) -> None:  # noqa: ANN001
    at = timezone.now() - datetime.timedelta(days=40)
    attempt = RefusedDispatch.objects.create(title="台账", year=2026, reason="不在任何清单上", attempted_by=street_officer,
                                             starts_on=datetime.date(2026, 3, 1), due_on=datetime.date(2026, 3, 31))
    RefusedDispatch.objects.filter(pk=attempt.pk).update(attempted_at=at)  # auto_now_add: an attempt of 40 days ago
    for committee in (world.baoxing, world.hankou, world.yunnan):
        RefusedDispatchCommittee.objects.create(refusal=attempt, committee=committee)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        old = _migrate(BEFORE)
        rows = old.get_model("tasks_registry", "RefusedDispatch").objects.values_list("committee_id", "attempted_at",
                                                                                       "starts_on")
        assert sorted(rows) == [(committee.pk, at, datetime.date(2026, 3, 1))
                                for committee in sorted([world.baoxing, world.hankou, world.yunnan],
                                                        key=lambda committee: committee.pk)], "each at the attempt's moment"
    finally:
        _migrate(_latest())
    (again,) = RefusedDispatch.objects.all()
    assert again.attempted_at == at, "the round trip keeps when it was attempted"
    assert set(again.committees.all()) == {world.baoxing, world.hankou, world.yunnan}, "and one attempt it stays"


def test_an_attempt_naming_no_committee_does_not_block_rolling_back(world, street_officer) -> None:  # noqa: ANN001
    named = RefusedDispatch.objects.create(title="台账", year=2026, reason="不在任何清单上", attempted_by=street_officer)
    RefusedDispatchCommittee.objects.create(refusal=named, committee=world.baoxing)
    RefusedDispatch.objects.create(title="无居委会", year=2026, reason="不在任何清单上", attempted_by=street_officer)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        old = _migrate(BEFORE_0008)  # 0008 backwards: the committee is required again
        rows = old.get_model("tasks_registry", "RefusedDispatch").objects.values_list("title", "committee_id")
        assert list(rows) == [("台账", world.baoxing.pk)], "the attempt naming no committee is removed"
    finally:
        _migrate(_latest())
