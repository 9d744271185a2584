import pytest

from partnership.models import Term
from partnership.tests.report_sections import EMPTY, FAKE_SCHOOLS, sections


@pytest.fixture
def fake_sections():
    """The registered sections (the apps' real ones) plus the two test sections."""
    with sections(FAKE_SCHOOLS, EMPTY, only=False):
        yield


@pytest.fixture
def term(world):
    return Term.current_for(world.partnership)
