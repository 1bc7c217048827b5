"""multipart/mixed bodies (RFC 2046) of the Statements resource: statements with their
attachments' contents, in requests and in ``GET ...?attachments=true`` responses.

Lines end with CRLF, as the RFC says; each part has its own headers (names compared without
case). The parser is strict: what it cannot read exactly is a 400, never a guess.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from lms_core.errors import UserError


class MultipartError(UserError):
    """The body is not a readable multipart/mixed document: a 400 with this message."""

    status = 400


@dataclass
class Part:
    """One body part: its headers (lower-case names) and its content."""

    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case ('' when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def parse(body: bytes, boundary: str) -> list[Part]:
    """The parts of ``body`` delimited by ``boundary``; raises :class:`MultipartError`."""
    if not boundary or len(boundary) > 70:
        raise MultipartError("The multipart/mixed Content-Type needs a boundary parameter "
                             "(1 to 70 characters).")
    delimiter = b"--" + boundary.encode("latin-1")
    if body.startswith(delimiter):
        pos = 0
    else:
        pos = body.find(b"\r\n" + delimiter)
        if pos < 0:
            raise MultipartError(f"The body holds no part delimited by the boundary "
                                 f"{boundary!r}.")
        pos += 2
    parts: list[Part] = []
    while True:
        pos += len(delimiter)
        if body[pos:pos + 2] == b"--":
            break
        line_end = body.find(b"\r\n", pos)
        if line_end < 0 or body[pos:line_end].strip(b" \t"):
            raise MultipartError(f"Part {len(parts) + 1}: the boundary line is malformed "
                                 "(lines must end with CRLF).")
        start = line_end + 2
        following = body.find(b"\r\n" + delimiter, start)
        if following < 0:
            raise MultipartError("The body does not end with the closing boundary "
                                 f"--{boundary}--.")
        parts.append(_part(body[start:following], len(parts) + 1))
        pos = following + 2
    return parts


def _part(raw: bytes, number: int) -> Part:
    if raw.startswith(b"\r\n"):
        head, content = b"", raw[2:]
    else:
        split = raw.find(b"\r\n\r\n")
        if split < 0:
            raise MultipartError(f"Part {number}: its headers do not end with an empty line.")
        head, content = raw[:split], raw[split + 4:]
    headers: dict[str, str] = {}
    for line in head.split(b"\r\n") if head else []:
        name, colon, value = line.partition(b":")
        if not colon or not name.strip() or name != name.strip():
            raise MultipartError(f"Part {number}: {line[:60].decode('latin-1')!r} is not a "
                                 "header line.")
        headers[name.decode("latin-1").lower()] = value.decode("latin-1").strip()
    return Part(headers, content)


def build(parts: list[Part]) -> tuple[bytes, str]:
    """A multipart/mixed body of ``parts`` and its boundary."""
    boundary = "xapi-" + uuid.uuid4().hex
    chunks = []
    for part in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in part.headers.items())
        chunks += [b"--", boundary.encode(), b"\r\n", head.encode("latin-1"), b"\r\n",
                   part.content, b"\r\n"]
    chunks += [b"--", boundary.encode(), b"--\r\n"]
    return b"".join(chunks), boundary
