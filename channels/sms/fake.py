"""A local stand-in for Twilio's Messages API, used by demo mode when no account is set.

It answers like Twilio (201 with the message resource) and, like Twilio, later posts signed
status callbacks (sent, then delivered) through a poster the simulator installs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from twilio.http import HttpClient
from twilio.http.response import Response

log = logging.getLogger(__name__)
DEMO_ACCOUNT_SID = "AC" + "0" * 32
# (url, params) -> None; set by console.demo.simulator to post signed callbacks in-process.
poster: Callable[[str, dict], None] | None = None
_client: FakeTwilio | None = None


def _template(sid: str, name: str, body: str, variables: dict) -> dict:
    return {"sid": sid, "account_sid": DEMO_ACCOUNT_SID, "friendly_name": name,
            "language": "en", "variables": variables, "types": {"twilio/text": {"body": body}},
            "url": f"https://content.twilio.com/v1/Content/{sid}",
            "approval_requests": {"whatsapp": {"name": name, "category": "UTILITY",
                                               "content_type": "twilio/text",
                                               "status": "approved", "rejection_reason": "",
                                               "type": "whatsapp"}}}


# The demo account's approved WhatsApp templates (what Twilio's Content API would list).
DEMO_TEMPLATES = [
    _template("HX" + "d" * 31 + "1", "case_follow_up",
              "Hello {{1}}, this is a follow-up on your case {{2}}. Reply to this message "
              "to continue the conversation.", {"1": "Alex", "2": "CL-00000000"}),
    _template("HX" + "d" * 31 + "2", "callback_request",
              "Hi {{1}}, we tried to reach you about {{2}}. When is a good time to call?",
              {"1": "Alex", "2": "CL-00000000"}),
]


def demo_settings(settings):
    """Settings pointing the adapter at the demo account."""
    # Callbacks are posted in-process, so a local base URL is enough when none is public.
    return dataclasses.replace(settings, twilio_account_sid=DEMO_ACCOUNT_SID,
                               public_base_url=settings.public_base_url or "http://localhost",
                               twilio_phone_number=settings.twilio_phone_number or "+15005550006",
                               twilio_whatsapp_number=settings.twilio_whatsapp_number
                               or "+14155238886")


def client() -> FakeTwilio:
    """The process's fake Twilio."""
    global _client
    if _client is None:
        _client = FakeTwilio()
    return _client


class FakeTwilio(HttpClient):
    """Answers POST /Messages.json like Twilio and schedules its status callbacks."""

    def __init__(self):
        super().__init__(logger=log, is_async=False, timeout=None)
        self.sent: list[dict] = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        if method.upper() == "GET" and urlsplit(uri).path == "/v1/ContentAndApprovals":
            return Response(200, json.dumps({"contents": DEMO_TEMPLATES, "meta": {
                "key": "contents", "page": 0, "page_size": 50, "next_page_url": None,
                "previous_page_url": None, "first_page_url": uri, "url": uri}}))
        if method.upper() != "POST" or not urlsplit(uri).path.endswith("/Messages.json"):
            return Response(404, json.dumps({"code": 20404, "message": "not found",
                                             "status": 404}))
        data = dict(data or {})
        sid = "SM" + secrets.token_hex(16)
        now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        body = {"sid": sid, "account_sid": DEMO_ACCOUNT_SID, "to": data.get("To"),
                "from": data.get("From"), "body": data.get("Body"), "status": "queued",
                "direction": "outbound-api", "num_segments": "1", "num_media": "0",
                "api_version": "2010-04-01", "date_created": now, "date_updated": now,
                "error_code": None, "error_message": None, "price": None,
                "uri": f"/2010-04-01/Accounts/{DEMO_ACCOUNT_SID}/Messages/{sid}.json"}
        # What Twilio would have been asked for beyond the text: files, an approved template.
        body["media_url"] = list(data.get("MediaUrl") or [])
        body["num_media"] = str(len(body["media_url"]))
        body["content_sid"] = data.get("ContentSid")
        body["content_variables"] = data.get("ContentVariables")
        self.sent.append(body)
        callback = data.get("StatusCallback")
        if callback and poster is not None:
            for delay, status in ((1.0, "sent"), (2.5, "delivered")):
                params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status,
                          "SmsStatus": status, "AccountSid": DEMO_ACCOUNT_SID,
                          "To": data.get("To", ""), "From": data.get("From", ""),
                          "ApiVersion": "2010-04-01"}
                timer = threading.Timer(delay, poster, args=(callback, params))
                timer.daemon = True
                timer.start()
        return Response(201, json.dumps(body))

