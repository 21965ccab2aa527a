"""One Twilio REST client, built from settings, reaching TWILIO_API_BASE_URL."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_DEFAULT_BASE = "https://api.twilio.com"


class RebasingHttpClient(TwilioHttpClient):
    """Sends api.twilio.com requests to another base URL (staging, a Twilio-compatible API)."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        parts = urlsplit(base_url.rstrip("/"))
        self._scheme, self._netloc, self._prefix = parts.scheme, parts.netloc, parts.path

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        parts = urlsplit(url)
        if parts.netloc == "api.twilio.com":
            url = urlunsplit((self._scheme, self._netloc, self._prefix + parts.path,
                              parts.query, parts.fragment))
        return super().request(method, url, params=params, data=data, headers=headers,
                               auth=auth, timeout=timeout, allow_redirects=allow_redirects)


def make_client(settings, http_client=None) -> Client:
    """A Twilio client for the configured account (API key when given, else auth token)."""
    if not settings.twilio_account_sid:
        raise RuntimeError("TWILIO_ACCOUNT_SID is not configured")
    if http_client is None:
        base = settings.twilio_api_base_url or TWILIO_DEFAULT_BASE
        http_client = (RebasingHttpClient(base, timeout=10) if base != TWILIO_DEFAULT_BASE
                       else TwilioHttpClient(timeout=10))
    if settings.twilio_api_key_sid and settings.twilio_api_key_secret:
        return Client(settings.twilio_api_key_sid, settings.twilio_api_key_secret,
                      settings.twilio_account_sid, http_client=http_client)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token,
                  http_client=http_client)
