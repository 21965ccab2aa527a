"""Reading headers and text of untrusted mail: decoded by hand when the library gives up."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import Message

MSGID = re.compile(r"<[^<>\s]{1,900}>")
_SURROGATE = re.compile("[\udc80-\udcff]")
_CHARSET_ALIASES = {"iso-8859-8-i": "iso-8859-8", "x-user-defined": "cp1252",
                    "gb2312": "gb18030", "gbk": "gb18030", "ks_c_5601-1987": "cp949",
                    "unicode-1-1-utf-7": "utf-7", "x-unknown": "utf-8", "unknown-8bit": "utf-8"}


def header(msg: Message, name: str) -> str:
    """A header decoded to text; raw 8-bit or malformed values are decoded by hand."""
    raw_value = raw_header(msg, name)
    if raw_value is None:
        return ""
    if isinstance(raw_value, str) and _SURROGATE.search(raw_value):
        # Undeclared 8-bit bytes in a header (common from old mailers): UTF-8, else cp1252.
        return decode(raw_value.encode("ascii", "surrogateescape"), "utf-8").strip()
    try:
        return str(msg.get(name))
    except Exception:
        try:
            return str(make_header(decode_header(str(raw_value))))
        except Exception:
            return str(raw_value)


def raw_header(msg: Message, name: str) -> str | None:
    """The header's raw value as received (None when absent)."""
    return next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), None)


def decode(data: bytes, charset: str) -> str:
    """Bytes as text in their charset, else UTF-8, else cp1252; never raises, no NUL."""
    charset = _CHARSET_ALIASES.get(charset.lower(), charset)
    try:
        return data.decode(charset).replace("\x00", "")
    except (LookupError, UnicodeDecodeError):
        pass
    try:
        return data.decode("utf-8").replace("\x00", "")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace").replace("\x00", "")


def message_ids(value: str) -> list[str]:
    """Every <message-id> in a header value."""
    return MSGID.findall(value or "")
