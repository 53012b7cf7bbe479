import pytest


@pytest.fixture(autouse=True)
def _catalogue(national_catalogue):  # noqa: ANN001, ANN202 - see tests/conftest.py
    return national_catalogue
