"""SMS and WhatsApp through Twilio Messaging: adapters registered by medium, webhooks in bp."""

from __future__ import annotations

from channels import registry
from channels.sms.adapters import SmsAdapter, TwilioMessagingAdapter, WhatsAppAdapter
from crm import guardrails


def _factory(cls: type[TwilioMessagingAdapter]):
    def make(settings) -> TwilioMessagingAdapter:
        # Tests pass a recording twilio.http.HttpClient; demo mode without an account gets
        # the local stand-in that answers like Twilio.
        http = settings.extra.get("twilio_http_client")
        if http is None and not settings.twilio_account_sid and settings.simulator:
            from channels.sms import fake

            return cls(fake.demo_settings(settings), fake.client())
        return cls(settings, http)

    return make


for _cls in (SmsAdapter, WhatsAppAdapter):
    registry.register(_cls.medium, _factory(_cls))
    guardrails.register(_cls.rules())
