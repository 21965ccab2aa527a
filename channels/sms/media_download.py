"""Downloading inbound MMS/WhatsApp media from Twilio (authenticated) for our own storage."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

MAX_BYTES = 20 * 1024 * 1024
TWILIO_MEDIA_HOSTS = ("api.twilio.com",)


class MediaError(Exception):
    """The media could not be fetched; the message says why."""


def download(url: str, settings) -> tuple[bytes, str]:
    """(bytes, content type) of a Twilio media URL; only Twilio's API host is ever fetched."""
    host = urlsplit(url).hostname or ""
    allowed = {*TWILIO_MEDIA_HOSTS, urlsplit(settings.twilio_api_base_url or "").hostname}
    if urlsplit(url).scheme != "https" or host not in allowed:
        raise MediaError(f"refusing to fetch media from {host or url!r}")
    auth = None
    if settings.twilio_account_sid and settings.twilio_auth_token:
        auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    try:
        resp = requests.get(url, auth=auth, timeout=20, stream=True)
        resp.raise_for_status()
        chunks, size = [], 0
        for chunk in resp.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise MediaError(f"media larger than {MAX_BYTES // (1024 * 1024)} MB")
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise MediaError(f"could not fetch media: {exc}") from exc
    return b"".join(chunks), resp.headers.get("Content-Type", "application/octet-stream")
