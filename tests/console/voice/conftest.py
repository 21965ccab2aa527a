"""Voice fixtures: every test here has a (fake) Twilio voice account and REST API."""

import pytest

from tests import voice_support as tw


@pytest.fixture
def settings(settings):
    """Test settings with a Twilio account (its REST API is the recording stand-in)."""
    tw.configure(settings)
    return settings


@pytest.fixture(autouse=True)
def twilio_api(twilio_api):
    """Twilio's REST API stand-in: no test here may reach the real one."""
    return twilio_api
