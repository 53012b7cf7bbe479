"""Contract mixins for scoped API endpoints (STYLE.md B10, netbox's APIViewTestCases).

Not named Test*: pytest collects only the subclasses, which say what rows to make and how to write one.
"""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token


class ScopedAPIContract:
    basename: str  # "committees-api:committeeyear"
    # The persona who may write, one of the same role outside the rows' scope, and one without the role.
    writer = "street_officer"
    reader_without_write = "committee_staff"
    max_list_queries = 8
    outside = "yunnan"  # a row of the writer's role, outside the writer's scope

    def make_row(self, committee) -> Any:  # noqa: ANN001
        """One row belonging to `committee`'s scope."""
        raise NotImplementedError

    def create_payload(self, world) -> dict:  # noqa: ANN001
        """A valid new row in the writer's scope (外滩街道, 宝兴居委会)."""
        raise NotImplementedError

    def update_payload(self, row) -> dict:  # noqa: ANN001
        raise NotImplementedError

    def move_payload(self, world) -> dict:  # noqa: ANN001
        """A change that would move a row to 云南中路居委会 (南京东路街道), outside the writer's street."""
        raise NotImplementedError

    def row_key(self, row) -> str:  # noqa: ANN001
        return str(row.pk)

    # --- helpers -----------------------------------------------------------------------------------
    def list_url(self) -> str:
        return reverse(f"{self.basename}-list")

    def detail_url(self, row) -> str:  # noqa: ANN001
        return reverse(f"{self.basename}-detail", args=[row.pk])

    @pytest.fixture
    def rows(self, world):  # noqa: ANN001, ANN201
        return {name: self.make_row(getattr(world, name)) for name in ("baoxing", "hankou", "yunnan", "xuhui_committee")}

    # --- the contract ------------------------------------------------------------------------------
    def test_anonymous_is_refused(self, api, rows) -> None:  # noqa: ANN001
        assert api.get(self.list_url()).status_code in (401, 403)
        assert api.get(self.detail_url(rows["baoxing"])).status_code in (401, 403)

    def test_list_shows_only_own_scope(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["outsider"])
        response = api.get(self.list_url(), {"page_size": 100})
        assert response.status_code == 200
        keys = {str(item[self.key_field]) for item in response.json()["results"]}
        assert keys == {self.row_key(rows["yunnan"])}

    def test_detail_outside_scope_is_404(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["outsider"])
        assert api.get(self.detail_url(rows["baoxing"])).status_code == 404
        assert api.get(self.detail_url(rows["yunnan"])).status_code == 200

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

    def test_delete_is_not_offered(self, api, rows, personas) -> None:  # noqa: ANN001
        api.force_authenticate(personas["district_staff"])
        assert api.delete(self.detail_url(rows["baoxing"])).status_code == 405
        assert type(rows["baoxing"]).objects.filter(pk=rows["baoxing"].pk).exists()

    def test_token_authentication(self, api, rows, personas) -> None:  # noqa: ANN001
        token = Token.objects.create(user=personas["outsider"])
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get(self.list_url()).status_code == 200

    def test_list_query_count_is_bounded(self, api, rows, personas, world, django_assert_max_num_queries) -> None:  # noqa: ANN001
        user = personas["district_staff"]
        # A fresh user object per request, as in production: grants are cached on the request's user.
        api.force_authenticate(type(user).objects.get(pk=user.pk))
        with django_assert_max_num_queries(self.max_list_queries) as small:
            assert api.get(self.list_url()).status_code == 200
        for _ in range(30):
            self.make_row(world.hankou)
        api.force_authenticate(type(user).objects.get(pk=user.pk))
        with django_assert_max_num_queries(self.max_list_queries) as large:
            assert api.get(self.list_url()).status_code == 200
        assert len(large.captured_queries) == len(small.captured_queries)
