import pytest


@pytest.fixture(autouse=True)
def _catalogue(national_catalogue):  # noqa: ANN001, ANN202 - see tests/conftest.py
    return national_catalogue


@pytest.fixture
def superuser(world):  # noqa: ANN001, ANN201
    """The platform administrator: every permission, every committee, none of their own."""
    from tests.support.factories import UserFactory

    return UserFactory(username="admin", role="city", is_superuser=True)
