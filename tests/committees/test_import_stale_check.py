"""A confirmation imports exactly what its check showed, or nothing: when the data changed since the check
(another import was confirmed), the import writes nothing and is checked again with the new changes to review."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees.interchange import importer, services
from committees.models import Committee, OrgImport
from portal.celery import app
from portal.core.models import AuditEntry

RECHECKED = "检查之后数据已有变化（例如其他导入已确认），请核对新的变更后再确认。"
HEADER = "代码,街道代码,名称,类型,成立日期\n"


def _committees(name: str, *rows: tuple[str, str, str]) -> SimpleUploadedFile:
    """A committees CSV: (code, name, 成立日期) for committees of 外滩街道."""
    body = "".join(f"{code},310101013,{title},居委会,{established}\n" for code, title, established in rows)
    return SimpleUploadedFile(name, (HEADER + body).encode())


def _established(world) -> dict[str, datetime.date]:  # noqa: ANN001
    return dict(Committee.objects.filter(street=world.waitan).values_list("code", "established_on"))


@pytest.fixture
def dated(world):  # noqa: ANN001, ANN201
    Committee.objects.filter(pk=world.baoxing.pk).update(established_on=datetime.date(2008, 7, 1))
    Committee.objects.filter(pk=world.hankou.pk).update(established_on=datetime.date(2010, 1, 1))
    return world


def _file_a(world) -> SimpleUploadedFile:  # noqa: ANN001
    # 宝兴 as stored (unchanged at the check), 汉口路 to update.
    return _committees("committees.csv", (world.baoxing.code, "宝兴居委会", "2008-07-01"),
                       (world.hankou.code, "汉口路居委会", "2011-03-01"))


def _page(client, org_import: OrgImport):  # noqa: ANN001, ANN202
    page = client.get(reverse("committees:import_detail", args=[org_import.pk]))
    assert page.status_code == 200
    return page


def _shown(page) -> list[tuple[str, list]]:  # noqa: ANN001
    return [(row["key"], row["fields"]) for row in page.context["changes"].object_list]


def _confirm(client, capture, org_import: OrgImport) -> OrgImport:  # noqa: ANN001
    with capture(execute=True):
        response = client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    assert response.status_code == 302
    org_import.refresh_from_db()
    return org_import


@pytest.mark.django_db
def test_a_confirmation_after_another_import_changed_its_rows_writes_nothing_and_shows_the_new_changes(
        client, dated, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    world, capture = dated, django_capture_on_commit_callbacks
    client.force_login(district_staff)
    with capture(execute=True):
        a = services.org_import_start(actor=district_staff, files=[_file_a(world)])
        b = services.org_import_start(actor=district_staff, files=[
            _committees("committees.csv", (world.baoxing.code, "宝兴居委会", "2024-01-05"))])
    a.refresh_from_db()
    assert a.status == OrgImport.Status.VALID and a.totals() == {"created": 0, "updated": 1, "unchanged": 1}, a.errors
    assert _shown(_page(client, a)) == [(world.hankou.code, [("成立日期", "2010-01-01", "2011-03-01")])]

    assert _confirm(client, capture, b).status == OrgImport.Status.DONE
    assert _established(world)[world.baoxing.code] == datetime.date(2024, 1, 5)

    a = _confirm(client, capture, a)
    assert a.status == OrgImport.Status.VALID, a.errors
    assert _established(world) == {world.baoxing.code: datetime.date(2024, 1, 5),
                                   world.hankou.code: datetime.date(2010, 1, 1)}, "A wrote nothing"
    page = _page(client, a)
    assert page.context["rechecked"] and "confirm" in page.context["actions"]
    assert page.context["totals"] == {"created": 0, "updated": 2, "unchanged": 0}
    assert _shown(page) == [(world.baoxing.code, [("成立日期", "2024-01-05", "2008-07-01")]),
                            (world.hankou.code, [("成立日期", "2010-01-01", "2011-03-01")])]
    content = page.content.decode()
    assert RECHECKED in content and "确认导入" in content
    assert list(AuditEntry.objects.filter(object_id=str(a.pk)).values_list("action", flat=True).order_by("pk")) == [
        "orgimport.create", "orgimport.confirm", "orgimport.recheck"]
    recheck = AuditEntry.objects.get(action="orgimport.recheck")
    assert (recheck.before["updated"], recheck.after["updated"], recheck.after["status"]) == (1, 2, "valid")

    # Confirmed again, having seen it: the reversal of B's date is what the user now asks for.
    a = _confirm(client, capture, a)
    assert a.status == OrgImport.Status.DONE
    assert _established(world) == {world.baoxing.code: datetime.date(2008, 7, 1),
                                   world.hankou.code: datetime.date(2011, 3, 1)}
    page = _page(client, a)
    assert not page.context["rechecked"] and RECHECKED not in page.content.decode()
    assert AuditEntry.objects.get(action="orgimport.apply", object_id=str(a.pk)).after["updated"] == 2

    # The import step delivered again after it committed (a worker died before acking) is not a stale check.
    services.org_import_run(pk=a.pk, step=services.APPLY)
    a.refresh_from_db()
    assert a.status == OrgImport.Status.DONE and not a.changes.get("rechecked")
    assert AuditEntry.objects.filter(action="orgimport.recheck").count() == 1
    assert _established(world)[world.baoxing.code] == datetime.date(2008, 7, 1)


@pytest.mark.django_db
def test_a_confirmation_whose_rows_nobody_changed_imports_as_checked(
        client, dated, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    world, capture = dated, django_capture_on_commit_callbacks
    client.force_login(district_staff)
    with capture(execute=True):
        a = services.org_import_start(actor=district_staff, files=[_file_a(world)])
        other = services.org_import_start(actor=district_staff, files=[
            _committees("committees.csv", ("310101013002", "新建居委会", "2024-01-05"))])
    assert _confirm(client, capture, other).status == OrgImport.Status.DONE  # rows A does not hold

    a = _confirm(client, capture, a)
    assert a.status == OrgImport.Status.DONE, a.errors
    assert _established(world)[world.hankou.code] == datetime.date(2011, 3, 1)
    assert _established(world)[world.baoxing.code] == datetime.date(2008, 7, 1)
    page = _page(client, a)
    assert not page.context["rechecked"] and RECHECKED not in page.content.decode()
    assert _shown(page) == [(world.hankou.code, [("成立日期", "2010-01-01", "2011-03-01")])]
    assert not AuditEntry.objects.filter(action="orgimport.recheck").exists()


@pytest.mark.django_db
def test_a_change_past_the_rows_listed_still_makes_the_confirmation_check_again(
        client, dated, district_staff, django_capture_on_commit_callbacks, monkeypatch) -> None:  # noqa: ANN001
    """The check lists at most MAX_LISTED_CHANGES rows (10,000; 1 here), but its digest covers every row: a row
    past the list changed by another import is found at the confirmation, and nothing is written."""
    world, capture = dated, django_capture_on_commit_callbacks
    monkeypatch.setattr(importer, "MAX_LISTED_CHANGES", 1)
    client.force_login(district_staff)
    with capture(execute=True):
        a = services.org_import_start(actor=district_staff, files=[_committees(
            "committees.csv", (world.baoxing.code, "宝兴居委会", "2009-01-01"),
            (world.hankou.code, "汉口路居委会", "2011-03-01"))])
    a.refresh_from_db()
    assert a.status == OrgImport.Status.VALID and a.changes["count"] == 2, a.errors
    assert _shown(_page(client, a)) == [(world.baoxing.code, [("成立日期", "2008-07-01", "2009-01-01")])], "1 listed"
    Committee.objects.filter(pk=world.hankou.pk).update(established_on=datetime.date(2012, 2, 2))  # not listed

    a = _confirm(client, capture, a)

    assert a.status == OrgImport.Status.VALID and a.changes["rechecked"], a.errors
    assert _established(world) == {world.baoxing.code: datetime.date(2008, 7, 1),
                                   world.hankou.code: datetime.date(2012, 2, 2)}, "nothing written"
    page = _page(client, a)
    assert page.context["rechecked"] and RECHECKED in page.content.decode()
    assert AuditEntry.objects.filter(action="orgimport.recheck", object_id=str(a.pk)).exists()


def _checked_before_digests(client, capture, world, actor, *, all_listed: bool = True) -> OrgImport:  # noqa: ANN001
    """File A checked, then its `changes` as an import checked before digests were kept recorded them: no
    "digest"; with `all_listed` False, more rows counted than listed (the list was cut)."""
    with capture(execute=True):
        a = services.org_import_start(actor=actor, files=[_file_a(world)])
    a.refresh_from_db()
    assert a.status == OrgImport.Status.VALID and a.changes["count"] == 1, a.errors
    legacy = {key: value for key, value in a.changes.items() if key != "digest"}
    if not all_listed:
        legacy["count"] += 1
    OrgImport.objects.filter(pk=a.pk).update(changes=legacy)
    return a


@pytest.mark.django_db
def test_a_check_recorded_before_digests_imports_when_its_listed_rows_are_found_again(
        client, dated, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """The digest is recomputed from the stored rows (JSON: lists, not tuples) and equals the one found now."""
    world, capture = dated, django_capture_on_commit_callbacks
    client.force_login(district_staff)
    a = _checked_before_digests(client, capture, world, district_staff)

    a = _confirm(client, capture, a)

    assert a.status == OrgImport.Status.DONE, a.errors
    assert _established(world)[world.hankou.code] == datetime.date(2011, 3, 1)
    assert not AuditEntry.objects.filter(action="orgimport.recheck").exists()


@pytest.mark.django_db
def test_a_check_recorded_before_digests_is_checked_again_when_its_rows_changed(
        client, dated, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    world, capture = dated, django_capture_on_commit_callbacks
    client.force_login(district_staff)
    a = _checked_before_digests(client, capture, world, district_staff)
    Committee.objects.filter(pk=world.hankou.pk).update(established_on=datetime.date(2012, 2, 2))

    a = _confirm(client, capture, a)

    assert a.status == OrgImport.Status.VALID and a.changes["rechecked"], a.errors
    assert _established(world)[world.hankou.code] == datetime.date(2012, 2, 2), "nothing written"
    assert _shown(_page(client, a)) == [(world.hankou.code, [("成立日期", "2012-02-02", "2011-03-01")])]


@pytest.mark.django_db
def test_a_check_recorded_before_digests_whose_list_was_cut_is_always_checked_again(
        client, dated, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """Rows it did not list cannot be compared: nothing is imported unseen, even when nothing changed."""
    world, capture = dated, django_capture_on_commit_callbacks
    client.force_login(district_staff)
    a = _checked_before_digests(client, capture, world, district_staff, all_listed=False)

    a = _confirm(client, capture, a)

    assert a.status == OrgImport.Status.VALID and a.changes["rechecked"], a.errors
    assert _established(world)[world.hankou.code] == datetime.date(2010, 1, 1), "nothing written"
    assert a.changes["count"] == 1 and "digest" in a.changes, "checked again: the count and digest found now"


def _wait_for_status(org_import: OrgImport, *statuses: str, seconds: float = 30) -> OrgImport:
    """The import once the Celery worker (start_worker, in this process) has moved it to one of `statuses`. The
    deadline only bounds a wait for that event (a worker that never answers fails the test instead of hanging
    it); how long the worker took is asserted nowhere."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        org_import.refresh_from_db()
        if org_import.status in statuses:
            return org_import
        time.sleep(0.1)
    raise AssertionError(f"no worker moved import {org_import.pk} to {statuses} within {seconds} s: "
                         f"still {org_import.status}")


@pytest.mark.django_db(transaction=True)
def test_the_worker_rechecks_a_confirmation_the_data_changed_under(client, dated, district_staff, settings) -> None:  # noqa: ANN001
    world = dated
    settings.PORTAL_IMPORT_LIMITS = {**settings.PORTAL_IMPORT_LIMITS, "inline_bytes": 0}
    client.force_login(district_staff)
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        a = services.org_import_start(actor=district_staff, files=[_file_a(world)])
        b = services.org_import_start(actor=district_staff, files=[
            _committees("committees.csv", (world.baoxing.code, "宝兴居委会", "2024-01-05"))])
        assert _wait_for_status(a, OrgImport.Status.VALID).totals()["updated"] == 1
        _wait_for_status(b, OrgImport.Status.VALID)
        services.org_import_confirm(actor=district_staff, pk=b.pk)
        assert _wait_for_status(b, OrgImport.Status.DONE, OrgImport.Status.FAILED).status == OrgImport.Status.DONE

        services.org_import_confirm(actor=district_staff, pk=a.pk)
        a = _wait_for_status(a, OrgImport.Status.VALID, OrgImport.Status.DONE, OrgImport.Status.FAILED)
        assert a.status == OrgImport.Status.VALID
        assert _established(world) == {world.baoxing.code: datetime.date(2024, 1, 5),
                                       world.hankou.code: datetime.date(2010, 1, 1)}
        page = _page(client, a)
        assert page.context["rechecked"] and "confirm" in page.context["actions"]
        assert RECHECKED in page.content.decode()
        assert _shown(page)[0] == (world.baoxing.code, [("成立日期", "2024-01-05", "2008-07-01")])

        services.org_import_confirm(actor=district_staff, pk=a.pk)
        a = _wait_for_status(a, OrgImport.Status.DONE, OrgImport.Status.FAILED)
    assert a.status == OrgImport.Status.DONE
    assert _established(world) == {world.baoxing.code: datetime.date(2008, 7, 1),
                                   world.hankou.code: datetime.date(2011, 3, 1)}
