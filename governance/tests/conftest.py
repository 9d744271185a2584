import pytest

from .factories import build_committee


@pytest.fixture
def gov(world):
    return build_committee(world)
