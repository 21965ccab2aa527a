"""SMS and WhatsApp fixtures: Twilio configured with a recording REST client."""

import pytest

from tests.channels.twilio_fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    OUR_NUMBER,
    WHATSAPP_NUMBER,
    RecordingTwilio,
)


@pytest.fixture
def twilio(settings) -> RecordingTwilio:
    """Twilio settings for the test app; returns the recorder standing in for api.twilio.com."""
    recorder = RecordingTwilio()
    settings.twilio_account_sid = ACCOUNT_SID
    settings.twilio_auth_token = AUTH_TOKEN
    settings.twilio_phone_number = OUR_NUMBER
    settings.twilio_whatsapp_number = WHATSAPP_NUMBER
    settings.extra["twilio_http_client"] = recorder
    return recorder


@pytest.fixture
def api_headers(token):
    """Bearer headers of the agent."""
    return {"Authorization": f"Bearer {token}"}
