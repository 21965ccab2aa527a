"""A stand-in recording for demo mode: a short generated WAV (no Twilio account holds one)."""

from __future__ import annotations

import io
import math
import struct
import wave

RATE = 8000  # telephone quality, like Twilio's recordings
MAX_SECONDS = 30


def recording(seconds: int | None) -> bytes:
    """A soft two-tone WAV as long as the call (at most 30 s), so the player has audio."""
    length = max(1, min(int(seconds or 3), MAX_SECONDS))
    frames = bytearray()
    for n in range(RATE * length):
        t = n / RATE
        tone = 440.0 if int(t * 2) % 2 == 0 else 554.37  # alternate every half second
        frames += struct.pack("<h", int(6000 * math.sin(2 * math.pi * tone * t)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    return out.getvalue()
