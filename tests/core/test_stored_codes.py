"""Codes stored before the normaliser (issue 14 review): the data migrations rewrite them to their canonical form,
except where that would make two rows one (both are left and reported, never merged), and `check_codes` lists
what is left for staff, exiting 1 while there is some."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, migrations, models
from django.db.models.functions import Lower
from django.test.utils import isolate_apps

from certificates.models import Registration, SealUse
from committees.models import CommunityWorker
from portal.core.codes import code_column, codes_check, codes_normalise, stored_code_columns
from portal.core.fields import CodeField
from tasks_registry.models import TaskItem
from tests.support.factories import (
    CommunityWorkerFactory,
    RegistrationFactory,
    SealUseFactory,
    TaskItemFactory,
    TaskListFactory,
)

pytestmark = pytest.mark.django_db


def run_data_migration(module: str) -> None:
    """The RunPython step of a migration, as `migrate` runs it (here on the current models' registry)."""
    migration = importlib.import_module(module).Migration
    step = next(op for op in migration.operations if isinstance(op, migrations.RunPython))
    step.code(apps, None)


def test_the_migration_normalises_a_stored_full_width_staff_number(world, capsys) -> None:  # noqa: ANN001
    typed = CommunityWorkerFactory(committee=world.baoxing, code="ＷＴ－０２")
    pasted = CommunityWorkerFactory(committee=world.baoxing, code="WT-03\u200b")
    plain = CommunityWorkerFactory(committee=world.baoxing, code="WT-04")
    run_data_migration("committees.migrations.0008_code_fields")
    assert [CommunityWorker.objects.get(pk=w.pk).code for w in (typed, pasted, plain)] == ["WT-02", "WT-03", "WT-04"]
    assert "committees.CommunityWorker.code: 2 stored code(s) normalised" in capsys.readouterr().out


def test_a_collision_is_reported_and_both_rows_are_left(world, capsys) -> None:  # noqa: ANN001
    stored = CommunityWorkerFactory(committee=world.baoxing, code="HP-0001")
    typed = CommunityWorkerFactory(committee=world.hankou, code="ＨＰ-0001")
    run_data_migration("committees.migrations.0008_code_fields")
    assert CommunityWorker.objects.get(pk=stored.pk).code == "HP-0001"
    assert CommunityWorker.objects.get(pk=typed.pk).code == "ＨＰ-0001"  # not merged, not renamed
    out = capsys.readouterr().out
    assert f"#{stored.pk} 'HP-0001', #{typed.pk} 'ＨＰ-0001'" in out and "read as 'HP-0001'" in out


def test_item_numbers_collide_only_within_their_list(world, capsys) -> None:  # noqa: ANN001
    ours, theirs = TaskListFactory(district=world.huangpu), TaskListFactory(district=world.xuhui)
    clash = [TaskItemFactory(task_list=ours, code="A-02"), TaskItemFactory(task_list=ours, code="Ａ-02")]
    alone = TaskItemFactory(task_list=theirs, code="Ａ-02")  # another list: its own numbering
    run_data_migration("tasks_registry.migrations.0007_code_fields")
    assert [TaskItem.objects.get(pk=i.pk).code for i in (*clash, alone)] == ["A-02", "Ａ-02", "A-02"]
    assert f"task_list={ours.pk}: #{clash[0].pk} 'A-02', #{clash[1].pk} 'Ａ-02'" in capsys.readouterr().out


def test_phone_numbers_and_masked_id_numbers_are_normalised(world) -> None:  # noqa: ANN001
    use = SealUseFactory(committee=world.baoxing, applicant_phone="１３８１２３４５６７８")
    registration = RegistrationFactory(committee=world.baoxing, id_masked="１１０***********００２X")
    run_data_migration("certificates.migrations.0009_code_fields")
    assert SealUse.objects.get(pk=use.pk).applicant_phone == "13812345678"
    assert Registration.objects.get(pk=registration.pk).id_masked == "110***********002X"


def test_codes_that_cannot_be_normalised_are_left_and_named(world) -> None:  # noqa: ANN001
    escape = CommunityWorkerFactory(committee=world.baoxing, code="WT\x1b9")
    invisible = CommunityWorkerFactory(committee=world.baoxing, code="\u200b")
    too_long = CommunityWorkerFactory(committee=world.baoxing, code="㍿" * 11)  # 44 characters once read
    report = codes_normalise(code_column(CommunityWorker, "code"), batch_size=2)
    assert [(p.reason, p.rows[0][0]) for p in report.problems] == [
        ("invalid", escape.pk), ("empty", invisible.pk), ("too_long", too_long.pk)]
    assert "U+001B ESCAPE" in report.problems[0].describe()
    assert [CommunityWorker.objects.get(pk=w.pk).code for w in (escape, invisible, too_long)] == [
        "WT\x1b9", "\u200b", "㍿" * 11]


def test_it_reads_and_writes_in_batches(world, django_assert_max_num_queries) -> None:  # noqa: ANN001
    workers = [CommunityWorkerFactory(committee=world.baoxing, code=f"ＷＴ{n}") for n in range(7)]
    column = code_column(CommunityWorker, "code")
    assert codes_check(column, batch_size=3).normalised == 7  # a check writes nothing
    assert not CommunityWorker.objects.filter(code="WT0").exists()
    with django_assert_max_num_queries(3 + 3):  # 7 rows: 3 reads of 3 and 3 updates of at most 3
        assert codes_normalise(column, batch_size=3).normalised == 7
    assert sorted(CommunityWorker.objects.filter(pk__in=[w.pk for w in workers]).values_list("code", flat=True)) == [
        f"WT{n}" for n in range(7)]


def test_check_codes_lists_collisions_and_exits_1(world) -> None:  # noqa: ANN001
    stored = CommunityWorkerFactory(committee=world.baoxing, code="HP-0001")
    typed = CommunityWorkerFactory(committee=world.hankou, code="ＨＰ-0001")
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_codes", stdout=out)
    assert "1 stored code(s) to merge" in str(failed.value) and failed.value.returncode == 1
    assert f"committees.CommunityWorker.code: #{stored.pk} 'HP-0001', #{typed.pk} 'ＨＰ-0001'" in out.getvalue()
    assert CommunityWorker.objects.get(pk=typed.pk).code == "ＨＰ-0001"  # the command writes nothing


def test_check_codes_passes_when_every_code_is_canonical(world) -> None:  # noqa: ANN001
    CommunityWorkerFactory(committee=world.baoxing, code="HP-0001")
    TaskItemFactory(code="A-01")
    out = StringIO()
    call_command("check_codes", stdout=out)
    assert "No stored code to merge" in out.getvalue()


# --- what a code may collide within: every unique constraint that names it (issue 14 review) --------------------
def test_the_current_models_scopes() -> None:
    worker, item = code_column(CommunityWorker, "code"), code_column(TaskItem, "code")
    assert (worker.unique, worker.unique_with) == (True, ())  # a staff number: unique on its own
    assert (item.unique, item.unique_with) == (True, ("task_list",))  # an item number: unique per list
    assert not code_column(SealUse, "applicant_phone").unique  # a phone number may repeat


@isolate_apps("portal.core")
def test_a_conditional_constraint_or_unique_together_is_a_collision_scope() -> None:
    def badge(name: str, *constraints: models.BaseConstraint, **meta: object) -> type[models.Model]:
        attrs = {"__module__": __name__, "code": CodeField(max_length=20), "holder": models.IntegerField(),
                 "year": models.IntegerField(), "active": models.BooleanField(default=True),
                 "Meta": type("Meta", (), {"app_label": "core", "constraints": list(constraints), **meta})}
        return type(name, (models.Model,), attrs)

    active = models.Q(active=True)
    scopes = {
        "conditional": badge("Conditional", models.UniqueConstraint(fields=["holder", "code"], condition=active,
                                                                    name="conditional_code")),
        "together": badge("Together", unique_together=[("code", "holder")]),
        "expression": badge("Expression", models.UniqueConstraint(Lower("code"), "holder", name="expression_code")),
        "several": badge("Several", models.UniqueConstraint(fields=["holder", "year", "code"], name="several_year"),
                         models.UniqueConstraint(fields=["code", "holder"], condition=active, name="several_holder")),
        "none": badge("Plain", models.UniqueConstraint(fields=["holder", "year"], name="plain_other")),
    }
    assert {name: (code_column(model, "code").unique, code_column(model, "code").unique_with)
            for name, model in scopes.items()} == {
        "conditional": (True, ("holder",)), "together": (True, ("holder",)), "expression": (True, ("holder",)),
        "several": (True, ("holder",)),  # within what both share: never equal under either
        "none": (False, ()),
    }


@isolate_apps("portal.core")
def test_normalising_never_breaks_a_conditional_constraint(capsys) -> None:  # noqa: ANN001
    """Two active badges `HP-1` and `ＨＰ-1` of one holder: rewriting the second would raise IntegrityError in the
    middle of the migration; both are left and reported, the other rows normalised."""

    class Badge(models.Model):
        code = CodeField(max_length=20)
        holder = models.IntegerField()
        active = models.BooleanField(default=True)

        class Meta:
            app_label = "core"
            db_table = "test_stored_codes_badge"
            constraints = [models.UniqueConstraint(fields=["holder", "code"], condition=models.Q(active=True),
                                                   name="test_badge_active_code")]

        def __str__(self) -> str:
            return self.code

    with connection.schema_editor() as editor:
        editor.create_model(Badge)
    stored, typed = Badge.objects.create(code="HP-1", holder=1), Badge.objects.create(code="ＨＰ-1", holder=1)
    Badge.objects.create(code="ＨＰ-1", holder=2)  # another holder's: nothing in the way
    report = codes_normalise(code_column(Badge, "code"))
    assert [(p.reason, p.rows, p.scope) for p in report.problems] == [
        ("collision", ((stored.pk, "HP-1"), (typed.pk, "ＨＰ-1")), (("holder", 1),))]
    assert report.normalised == 1
    assert list(Badge.objects.order_by("pk").values_list("code", flat=True)) == ["HP-1", "ＨＰ-1", "HP-1"]


# --- check_codes covers the columns a migration normalised that are not CodeFields (issue 14 review) -----------
def test_check_codes_covers_the_masked_id_numbers(world) -> None:  # noqa: ANN001
    assert "certificates.Registration.id_masked" in {column.label for column in stored_code_columns(apps)}
    full_width = RegistrationFactory(committee=world.baoxing, id_masked="１１０***********００２X")
    out = StringIO()
    call_command("check_codes", stdout=out)  # not canonical, nothing in the way: said, not a failure
    assert "certificates.Registration.id_masked: 1 stored code(s) not in canonical form" in out.getvalue()
    escaped = RegistrationFactory(committee=world.baoxing, id_masked="110\x1b**********002X")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_codes", stdout=out)
    assert f"certificates.Registration.id_masked: #{escaped.pk} " in out.getvalue()
    assert "U+001B ESCAPE" in out.getvalue()
    assert Registration.objects.get(pk=full_width.pk).id_masked == "１１０***********００２X"  # nothing written
