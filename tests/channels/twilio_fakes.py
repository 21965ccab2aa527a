"""Twilio at the process boundary: a recording REST client and correctly signed webhooks."""

from __future__ import annotations

import json
import logging
import threading

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from channels.twilio.identifiers import is_sid

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "1" * 32
PUBLIC = "https://caseline.example.com"
OUR_NUMBER = "+15005550006"
WHATSAPP_NUMBER = "+14155238886"


class RecordingTwilio(HttpClient):
    """Answers the Messages API like Twilio and records every request it was sent."""

    def __init__(self):
        super().__init__(logger=logging.getLogger("recording-twilio"), is_async=False)
        self.requests: list[dict] = []
        self.fail_with: tuple[int, dict] | None = None
        self.contents: list[dict] = []  # what the Content API lists (ContentAndApprovals)
        self._lock = threading.Lock()

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        with self._lock:
            self.requests.append({"method": method, "uri": uri, "data": dict(data or {})})
            n = len(self.requests)
        if self.fail_with:
            status, body = self.fail_with
            return Response(status, json.dumps(body))
        if method == "GET" and uri.startswith("https://content.twilio.com/v1/ContentAndApprovals"):
            return Response(200, json.dumps({"contents": self.contents, "meta": {
                "key": "contents", "page": 0, "page_size": 50, "first_page_url": uri,
                "url": uri, "next_page_url": None, "previous_page_url": None}}))
        data = dict(data or {})
        return Response(201, json.dumps({
            "sid": f"SM{n:032d}", "status": "queued", "to": data.get("To"),
            "from": data.get("From"), "body": data.get("Body"), "account_sid": ACCOUNT_SID,
            "direction": "outbound-api", "num_segments": "1", "api_version": "2010-04-01"}))

    @property
    def messages(self) -> list[dict]:
        """The bodies of Messages.create calls."""
        return [r["data"] for r in self.requests if r["uri"].endswith("/Messages.json")]


def post_signed(client, path: str, params: dict, *, token: str = AUTH_TOKEN, query: str = "",
                signature: str | None = None):
    """POST form params to a webhook, signed exactly as Twilio signs them."""
    url = PUBLIC + path + (f"?{query}" if query else "")
    sig = signature if signature is not None else RequestValidator(token).compute_signature(
        url, params)
    target = path + (f"?{query}" if query else "")
    return client.post(target, data=params, headers={"X-Twilio-Signature": sig})


def message_sid(label: str) -> str:
    """A MessageSid in Twilio's form (SM + 32 hex digits) named by a short label: the same
    label gives the same SID; a SID already in that form stays as it is."""
    if is_sid(label, ("SM", "MM")):
        return label
    return "SM" + label.encode().hex().rjust(32, "0")[-32:]


def sms(sid: str, body: str, sender: str = "+14155550100", to: str = OUR_NUMBER, **extra):
    """An inbound SMS webhook's parameters (sid: a SID or a label for one)."""
    sid = message_sid(sid)
    return {"MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID,
            "From": sender, "To": to, "Body": body, "NumMedia": "0", "NumSegments": "1",
            "SmsStatus": "received", "ApiVersion": "2010-04-01", "FromCountry": "US", **extra}


def whatsapp(sid: str, body: str, number: str = "+919900000000", name: str = "Ranjit Sankar"):
    """An inbound WhatsApp webhook's parameters, in the form of REFERENCE.md's real one."""
    sid = message_sid(sid)
    return {"SmsMessageSid": sid, "NumMedia": "0", "ProfileName": name, "SmsSid": sid,
            "WaId": number.lstrip("+"), "SmsStatus": "received", "Body": body,
            "To": f"whatsapp:{WHATSAPP_NUMBER}", "NumSegments": "1", "MessageSid": sid,
            "AccountSid": ACCOUNT_SID, "From": f"whatsapp:{number}", "ApiVersion": "2010-04-01"}


def content_template(sid: str, name: str, body: str, *, status: str = "approved") -> dict:
    """One template as the Content API's ContentAndApprovals lists it."""
    return {"sid": sid, "account_sid": ACCOUNT_SID, "friendly_name": name, "language": "en",
            "variables": {"1": "sample"}, "types": {"twilio/text": {"body": body}},
            "url": f"https://content.twilio.com/v1/Content/{sid}",
            "approval_requests": {"whatsapp": {"name": name, "category": "UTILITY",
                                               "content_type": "twilio/text", "status": status,
                                               "rejection_reason": "", "type": "whatsapp"}}}
