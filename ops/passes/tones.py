"""Short WAV tones for the scanner's answers, generated here (no sound files to ship)."""
from __future__ import annotations

import io
import math
import struct
import wave
from functools import lru_cache

RATE = 16000
# (frequency Hz, seconds) pairs; 0 Hz is a pause. Rising for ok, a double beep for
# "already", a low long buzz for "no": told apart without looking at the screen.
TONES = {
    "ok": [(880, 0.09), (0, 0.03), (1320, 0.14)],
    "warn": [(660, 0.12), (0, 0.08), (660, 0.12)],
    "bad": [(220, 0.45)],
}


@lru_cache(maxsize=None)
def tone_wav(name: str) -> bytes:
    samples = bytearray()
    for freq, seconds in TONES[name]:
        count = int(RATE * seconds)
        for i in range(count):
            # A short fade in and out keeps the speaker from clicking.
            envelope = min(1.0, i / 160, (count - i) / 160)
            value = math.sin(2 * math.pi * freq * i / RATE) if freq else 0.0
            if name == "bad":
                value = 1.0 if value >= 0 else -1.0  # square wave: harsh on purpose
                value *= 0.5
            samples += struct.pack("<h", int(value * envelope * 0.8 * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(samples))
    return out.getvalue()
