"""Menus show only what the role uses (issue 15): the API, the machine form of import and export, is offered to
the roles that exchange data in bulk, not to committee staff."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav_links(client, user) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_committee_staff_see_no_api_link(client, committee_staff) -> None:  # noqa: ANN001
    page = _nav_links(client, committee_staff)
    assert f'href="{reverse("api-docs")}"' not in page
    assert f'href="{reverse("committees:import_list")}"' not in page


def test_district_staff_see_the_api_link(client, district_staff) -> None:  # noqa: ANN001
    page = _nav_links(client, district_staff)
    assert f'href="{reverse("api-docs")}"' in page
    assert "API 接口" in page
