import pytest

from .factories import build_improvement


@pytest.fixture
def improvement(world):
    return build_improvement(world)
