"""Contract mixins for scoped API endpoints (STYLE.md B10, netbox's APIViewTestCases).

Not named Test*: pytest collects only the subclasses, which say what rows to make and how to write one.
`ScopedAPIContract` is for CRUD viewsets (`ScopedViewSet`), `ScopedReadAPIContract` for those whose writes
are domain actions or none (`ScopedReadViewSet`, list-only viewsets). Every viewset registered in an API
router has a subclass of one of them (tests/core/test_api_contracts.py).

The rows are made per committee of the conftest world (`make_row(world.baoxing)`…); a subclass whose rows live
at another level overrides `rows` and says who sees what with the attributes below.
"""

from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

ROW_NAMES = ("baoxing", "hankou", "yunnan", "xuhui_committee")


class _ScopedContract:
    """What every scoped endpoint promises: no anonymous access, rows only in scope (404 outside, never
    revealed), token authentication, nothing deleted, and a list whose query count does not grow with its rows."""

    basename: str  # "committees-api:committeeyear"
    key_field = "id"  # the field of a listed item that row_key() answers
    # A persona whose scope holds some rows and not others, the rows (by name) their list shows, and a row
    # outside their scope (None when the rows are not scoped: every reader sees every row).
    lister = "outsider"
    visible_to_lister: tuple[str, ...] = ("yunnan",)
    hidden_from_lister: str | None = "baoxing"
    # Rows the migrations seed (districts, the national catalogue) may be listed beside the rows made here.
    seeded_rows_listed = False
    # Whose list is counted at 1 and 31 rows; `make_row(world.hankou)` must lie in their scope.
    counter = "district_staff"
    max_list_queries = 8

    def make_row(self, committee) -> Any:  # noqa: ANN001
        """One row belonging to `committee`'s scope."""
        raise NotImplementedError

    def row_key(self, row) -> str:  # noqa: ANN001
        return str(row.pk)

    # --- helpers -----------------------------------------------------------------------------------
    def list_url(self) -> str:
        return reverse(f"{self.basename}-list")

    def detail_url(self, row) -> str:  # noqa: ANN001
        """The row's detail URL; for a list-only viewset, the path a detail would have (which must answer 404)."""
        try:
            return reverse(f"{self.basename}-detail", args=[row.pk])
        except NoReverseMatch:
            return f"{self.list_url()}{row.pk}/"

    def has_detail(self) -> bool:
        try:
            reverse(f"{self.basename}-detail", args=["0"])
        except NoReverseMatch:
            return False
        return True

    @property
    def not_offered(self) -> set[int]:
        """What a method nobody may use answers: 405, or 404 where there is no detail route at all."""
        return {405} if self.has_detail() else {404, 405}

    def listed_keys(self, response, rows) -> set[str]:  # noqa: ANN001
        assert response.status_code == 200, response.content[:500]
        keys = {str(item[self.key_field]) for item in response.json()["results"]}
        if self.seeded_rows_listed:
            keys &= {self.row_key(row) for row in rows.values()}
        return keys

    @pytest.fixture
    def rows(self, world):  # noqa: ANN001, ANN201
        return {name: self.make_row(getattr(world, name)) for name in ROW_NAMES}

    # --- the contract ------------------------------------------------------------------------------
    def test_anonymous_is_refused(self, api, rows) -> None:  # noqa: ANN001
        # Assertions here carry their own messages: pytest rewrites asserts in test modules, not in this one.
        listed, read = api.get(self.list_url()).status_code, api.get(self.detail_url(rows["baoxing"])).status_code
        assert listed in (401, 403) and read in (401, 403, 404), f"anonymous: list {listed}, detail {read}"

    def test_list_shows_only_own_scope(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.lister])
        response = api.get(self.list_url())
        listed, expected = self.listed_keys(response, rows), {self.row_key(rows[name]) for name in self.visible_to_lister}
        assert listed == expected, f"{self.lister} lists {sorted(listed)}, expected {sorted(expected)}"

    def test_detail_outside_scope_is_404(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.lister])
        if not self.has_detail():  # a list-only endpoint reveals no row by its key
            answers = {api.get(self.detail_url(row)).status_code for row in rows.values()}
            assert answers == {404}, f"a list-only endpoint answered {answers} for a row's key"
            return
        for name in self.visible_to_lister:
            status = api.get(self.detail_url(rows[name])).status_code
            assert status == 200, f"{self.lister} reading {name}: {status}"
        if self.hidden_from_lister is not None:
            status = api.get(self.detail_url(rows[self.hidden_from_lister])).status_code
            assert status == 404, f"{self.lister} reading {self.hidden_from_lister} (outside their scope): {status}"

    def test_delete_is_not_offered(self, api, rows, personas) -> None:  # noqa: ANN001
        row = rows[self.visible_to_lister[0]]
        for persona in (self.lister, "district_staff"):
            api.force_authenticate(personas[persona])
            status = api.delete(self.detail_url(row)).status_code
            assert status in self.not_offered, f"DELETE by {persona}: {status}"
        assert type(row).objects.filter(pk=row.pk).exists()

    def test_token_authentication(self, api, rows, personas) -> None:  # noqa: ANN001
        token = Token.objects.create(user=personas[self.lister])
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        listed, expected = self.listed_keys(api.get(self.list_url()), rows), {self.row_key(rows[name])
                                                                               for name in self.visible_to_lister}
        assert listed == expected, f"with a token, {self.lister} lists {sorted(listed)}, expected {sorted(expected)}"

    def test_list_query_count_is_bounded(self, api, rows, personas, world, django_assert_max_num_queries) -> None:  # noqa: ANN001
        user = personas[self.counter]
        # A fresh user object per request, as in production: grants are cached on the request's user.
        api.force_authenticate(type(user).objects.get(pk=user.pk))
        with django_assert_max_num_queries(self.max_list_queries) as small:
            before = api.get(self.list_url())
            assert before.status_code == 200
        for _ in range(30):
            self.make_row(world.hankou)
        api.force_authenticate(type(user).objects.get(pk=user.pk))
        with django_assert_max_num_queries(self.max_list_queries) as large:
            after = api.get(self.list_url())
            assert after.status_code == 200
        assert after.json()["count"] > before.json()["count"], "make_row(world.hankou) must make rows the counter lists"
        counts = len(small.captured_queries), len(large.captured_queries)
        assert counts[0] == counts[1], f"the list's queries grow with its rows: {counts[0]} then {counts[1]}"


class ScopedAPIContract(_ScopedContract):
    """A CRUD endpoint (`ScopedViewSet`): the writer creates and updates within their scope, never outside it
    (404) and never moving a row out of it; a role without the write permission gets 403."""

    # The persona who may write, one of the same role outside the rows' scope, and one without the role.
    writer = "street_officer"
    reader_without_write = "committee_staff"
    outside = "yunnan"  # a row of the writer's role, outside the writer's scope

    def create_payload(self, world) -> dict:  # noqa: ANN001
        """A valid new row in the writer's scope (外滩街道, 宝兴居委会)."""
        raise NotImplementedError

    def update_payload(self, row) -> dict:  # noqa: ANN001
        raise NotImplementedError

    def move_payload(self, world) -> dict:  # noqa: ANN001
        """A change that would move a row to 云南中路居委会 (南京东路街道), outside the writer's street."""
        raise NotImplementedError

    def test_write_without_role_permission_is_403(self, api, rows, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.reader_without_write])
        assert api.post(self.list_url(), self.create_payload(world), format="json").status_code == 403
        assert api.patch(self.detail_url(rows["baoxing"]), self.update_payload(rows["baoxing"]), format="json").status_code == 403

    def test_writer_creates_and_updates_in_scope(self, api, rows, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.writer])
        created = api.post(self.list_url(), self.create_payload(world), format="json")
        assert created.status_code == 201, created.json()
        updated = api.patch(self.detail_url(rows["baoxing"]), self.update_payload(rows["baoxing"]), format="json")
        assert updated.status_code == 200, updated.json()

    def test_update_outside_scope_is_404(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.writer])
        row = rows[self.outside]
        response = api.patch(self.detail_url(row), self.update_payload(row), format="json")
        assert response.status_code == 404

    def test_update_cannot_move_object_out_of_scope(self, api, rows, personas, world) -> None:  # noqa: ANN001
        api.force_authenticate(personas[self.writer])
        row = rows["baoxing"]
        before = type(row).objects.filter(pk=row.pk).values().get()
        response = api.patch(self.detail_url(row), self.move_payload(world), format="json")
        assert response.status_code in (400, 403, 404)
        assert type(row).objects.filter(pk=row.pk).values().get() == before


class ScopedReadAPIContract(_ScopedContract):
    """A read endpoint (`ScopedReadViewSet` or list-only): rows are never replaced whole through the API (PUT
    is 405, whoever asks), on top of the shared contract. Its writes, if any, are domain actions with tests
    of their own."""

    def test_put_is_not_offered(self, api, rows, personas) -> None:  # noqa: ANN001
        row = rows[self.visible_to_lister[0]]
        before = type(row).objects.filter(pk=row.pk).values().get()
        for persona in (self.lister, "district_staff", "city_staff"):
            api.force_authenticate(personas[persona])
            status = api.put(self.detail_url(row), {}, format="json").status_code
            assert status in self.not_offered, f"PUT by {persona}: {status}"
        assert type(row).objects.filter(pk=row.pk).values().get() == before
