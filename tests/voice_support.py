"""Helpers for voice tests: Twilio-signed webhooks and a recording stand-in for Twilio's API.

The fixtures built on them (twilio_api, connect, live_call) live in the conftest.py files."""

from __future__ import annotations

import json
import logging
import zlib

from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

AUTH_TOKEN = "voice-test-auth-token"
ACCOUNT_SID = "AC" + "1" * 32
PUBLIC = "https://caseline.example.com"
OUR_NUMBER = "+15005550006"
CALLER = "+14155550123"
HOOKS = "/webhooks/twilio/voice"


class RecordingTwilio(HttpClient):
    """Twilio's REST API at the HTTP boundary: records every request, answers like Twilio."""

    def __init__(self):
        super().__init__(logging.getLogger("tests.twilio"), False)
        self.requests: list[dict] = []
        self.audio = b"ID3\x03\x00fake-mp3-\xff\xfe-bytes"
        self.fail_with: int | None = None  # answer the next request with this HTTP status
        self.calls: dict[str, dict] = {}  # how Twilio sees a call (GET), by CallSid

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        self.requests.append({"method": method, "url": url, "data": dict(data or {}),
                              "auth": auth})
        if self.fail_with:
            status, self.fail_with = self.fail_with, None
            return Response(status, json.dumps({"code": 20500, "message": "Internal error",
                                                "status": status}))
        if method == "GET" and "/Calls/CA" in url and url.endswith(".json"):
            sid = url.rsplit("/", 1)[-1].removesuffix(".json")
            return Response(200, json.dumps({"sid": sid, "status": "in-progress",
                                             "duration": None, **self.calls.get(sid, {})}))
        if url.endswith(".mp3"):
            return Response(200, self.audio.decode("latin-1"))
        if url.endswith("/Calls.json"):  # a new call
            sid = f"CA{len(self.requests):032x}"
            return Response(201, json.dumps({"sid": sid, "status": "queued"}))
        if url.endswith("/Participants.json"):  # a browser phone rung into a conference
            return Response(201, json.dumps({
                "call_sid": f"CA{len(self.requests):032x}",
                "conference_sid": self.conference_sid(url.split("/Conferences/")[1]
                                                      .split("/")[0]),
                "label": (data or {}).get("Label"), "status": "queued"}))
        return Response(200, json.dumps({"sid": url.rsplit("/", 1)[-1].split(".")[0],
                                         "status": "in-progress"}))

    @staticmethod
    def conference_sid(name: str) -> str:
        """The CF sid this stand-in gives the conference of that friendly name."""
        return f"CF{zlib.crc32(name.encode()):032x}"

    def posts(self, fragment: str = "") -> list[dict]:
        """The POSTs sent to URLs containing fragment."""
        return [r for r in self.requests if r["method"] == "POST" and fragment in r["url"]]


def configure(settings) -> None:
    """Turn a test Settings into one with a (fake) Twilio account."""
    settings.twilio_auth_token = AUTH_TOKEN
    settings.twilio_account_sid = ACCOUNT_SID
    settings.twilio_phone_number = OUR_NUMBER


def sign(url: str, params: dict, token: str = AUTH_TOKEN) -> str:
    """X-Twilio-Signature exactly as Twilio computes it."""
    return RequestValidator(token).compute_signature(url, params)


def post(client, path: str, params: dict, *, token: str = AUTH_TOKEN, public: str = PUBLIC,
         **kwargs):
    """POST a webhook signed for the public URL Twilio would have called."""
    signature = sign(public + path, params, token)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature}, **kwargs)


def incoming(call_sid: str, caller: str = CALLER, called: str = OUR_NUMBER) -> dict:
    """An incoming-call webhook's parameters."""
    return {"CallSid": call_sid, "AccountSid": ACCOUNT_SID, "From": caller, "To": called,
            "Caller": caller, "Called": called, "CallStatus": "ringing", "Direction": "inbound",
            "ApiVersion": "2010-04-01", "FromCountry": "US", "FromState": "CA"}


def status(call_sid: str, call_status: str, seq: int, duration: int | None = None) -> dict:
    """A call status callback's parameters."""
    params = {"CallSid": call_sid, "AccountSid": ACCOUNT_SID, "From": CALLER, "To": OUR_NUMBER,
              "CallStatus": call_status, "Direction": "inbound", "ApiVersion": "2010-04-01",
              "SequenceNumber": str(seq), "CallbackSource": "call-progress-events",
              "Timestamp": "Sat, 28 Nov 2026 10:00:00 +0000"}
    if duration is not None:
        params["CallDuration"] = str(duration)
    return params


def recording(call_sid: str, recording_sid: str = "RE" + "2" * 32, duration: int = 41) -> dict:
    """A recording status callback's parameters."""
    return {"AccountSid": ACCOUNT_SID, "CallSid": call_sid, "RecordingSid": recording_sid,
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/"
                            f"Recordings/{recording_sid}",
            "RecordingStatus": "completed", "RecordingDuration": str(duration),
            "RecordingChannels": "2", "RecordingSource": "DialVerb",
            "RecordingStartTime": "Sat, 28 Nov 2026 10:00:05 +0000"}


def received(sio, name):
    """The payloads of one event name a test socket has received."""
    return [m["args"][0] for m in sio.get_received("/agent") if m["name"] == name]
