import pytest

from schedule_engine.catalogue import default_rulebook
from schedule_engine.workcal import default_calendar


@pytest.fixture(scope="session")
def cal():
    return default_calendar()


@pytest.fixture(scope="session")
def rulebook():
    return default_rulebook()
