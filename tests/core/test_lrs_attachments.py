"""Statements with attachments: multipart/mixed requests and responses, sha2 checks, storage
of the contents (xapi_attachments) and the size limit."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.xapi.models import Attachment
from lms_core.xapi.models import Statement as Row
from tests.core import test_lrs_statements as statements_tests
from tests.core.test_lrs_statements import ACTIVITY, ATTEMPTED, stmt

#: The fixtures of the Statements tests.
lrs_app, make_client = statements_tests.lrs_app, statements_tests.make_client
http = statements_tests.http

BOUNDARY = "-------314159265358979323846"
PDF = b"%PDF-1.4\n% bien ban kiem tra\n\x00\xff\xfe binary \r\n--not-a-boundary\r\n%%EOF"
NOTE = "Ghi chú kiểm tra sau thông quan".encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment(content: bytes, content_type="application/pdf", **extra) -> dict:
    return {"usageType": "https://hoctap.customs.gov.vn/xapi/attachments/evidence",
            "display": {"vi-VN": "Biên bản", "en-US": "Report"}, "contentType": content_type,
            "length": len(content), "sha2": sha256(content), **extra}


def body(first, *parts, first_type="application/json", boundary=BOUNDARY) -> bytes:
    """A multipart/mixed body: ``first`` (JSON) then ``parts`` as (headers, content)."""
    chunks = [f"--{boundary}\r\nContent-Type: {first_type}\r\n\r\n".encode(),
              (first if isinstance(first, bytes) else json.dumps(first).encode()), b"\r\n"]
    for headers, content in parts:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        chunks += [f"--{boundary}\r\n{head}\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def part(content: bytes, content_type="application/pdf", sha2=None, **extra) -> tuple:
    headers = {"Content-Type": content_type, "Content-Transfer-Encoding": "binary",
               "X-Experience-API-Hash": sha2 or sha256(content), **extra}
    return {k: v for k, v in headers.items() if v is not None}, content


def post(http, data: bytes, content_type=f"multipart/mixed; boundary={BOUNDARY}", version=None):
    return http.client.post("/xapi/statements", data=data, content_type=content_type,
                            headers=http.headers(version or "1.0.3"))


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Row)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)))


def split(response) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart/mixed response, read independently of the LRS's code."""
    mimetype, _, params = response.headers["Content-Type"].partition(";")
    assert mimetype == "multipart/mixed"
    boundary = params.strip().removeprefix("boundary=").strip('"').encode()
    pieces = response.data.split(b"--" + boundary)
    assert pieces[-1].strip() == b"--"
    out = []
    for piece in pieces[1:-1]:
        head, _, content = piece[2:].partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        out.append((headers, content[:-2]))
    return out


# -- storing and reading back -------------------------------------------------------------------
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_statement_with_attachment_is_stored_and_returned(http, version):
    """POST multipart/mixed stores the statement and the content; GET with attachments=true
    answers multipart/mixed with the statement then the content and its hash."""
    statement = stmt(attachments=[attachment(PDF)])
    response = post(http, body(statement, part(PDF)), version=version)
    assert response.status_code == 200, response.get_json()
    sid = response.get_json()[0]
    stored = db.session.scalar(sa.select(Attachment))
    assert stored.content == PDF and stored.sha2 == sha256(PDF) and stored.length == len(PDF)

    single = http.client.get("/xapi/statements", query_string={
        "statementId": sid, "attachments": "true"}, headers=http.headers(version))
    assert single.status_code == 200
    assert single.headers["X-Experience-API-Consistent-Through"]
    (json_headers, first), (headers, content) = split(single)
    assert json_headers["Content-Type"] == "application/json"
    assert json.loads(first)["id"] == sid
    assert content == PDF
    assert headers["X-Experience-API-Hash"] == sha256(PDF)
    assert headers["Content-Transfer-Encoding"] == "binary"
    assert headers["Content-Type"] == "application/pdf"

    query = http.client.get("/xapi/statements", query_string={"attachments": "true"},
                            headers=http.headers(version))
    parts = split(query)
    assert [s["id"] for s in json.loads(parts[0][1])["statements"]] == [sid]
    assert [c for _h, c in parts[1:]] == [PDF]
    plain = http.get(statementId=sid, attachments="false")
    assert plain.mimetype == "application/json" and plain.get_json()["id"] == sid


def test_put_takes_attachments_too(http):
    """PUT with multipart/mixed stores the statement under its id with its attachment."""
    sid = str(uuid.uuid4())
    response = http.client.put(f"/xapi/statements?statementId={sid}",
                               data=body(stmt(attachments=[attachment(NOTE, "text/plain")]),
                                         part(NOTE, "text/plain")),
                               content_type=f"multipart/mixed; boundary={BOUNDARY}",
                               headers=http.headers())
    assert response.status_code == 204
    assert counts() == (1, 1)
    assert split(http.get(statementId=sid, attachments="true"))[1][1] == NOTE


def test_one_content_serves_many_statements(http):
    """A batch whose statements share an attachment sends it once; it is stored once, and
    a sub-statement's attachment is matched as well."""
    sub = {"objectType": "SubStatement", "actor": stmt()["actor"], "verb": {"id": ATTEMPTED},
           "object": {"id": ACTIVITY}, "attachments": [attachment(NOTE, "text/plain")]}
    batch = [stmt(attachments=[attachment(PDF)]), stmt(attachments=[attachment(PDF)]),
             stmt(object=sub)]
    response = post(http, body(batch, part(PDF), part(NOTE, "text/plain")))
    assert response.status_code == 200, response.get_json()
    assert counts() == (3, 2)
    again = post(http, body(stmt(attachments=[attachment(PDF)]), part(PDF)))
    assert again.status_code == 200 and counts() == (4, 2)


def test_sha512_and_file_url_attachments(http):
    """A SHA-512 part is checked with SHA-512; an attachment with a fileUrl needs no part,
    in JSON or multipart requests; a multipart request may hold no attachment at all."""
    digest = hashlib.sha512(NOTE).hexdigest()
    statement = stmt(attachments=[attachment(NOTE, "text/plain", sha2=digest)])
    assert post(http, body(statement, part(NOTE, "text/plain", sha2=digest))).status_code == 200
    linked = stmt(attachments=[attachment(PDF, fileUrl="https://hoctap.customs.gov.vn/f.pdf")])
    assert http.post(linked).status_code == 200
    assert post(http, body(linked)).status_code == 200
    assert post(http, body(stmt())).status_code == 200
    assert counts() == (4, 1)


# -- refused requests ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, words", [
    (lambda: body(stmt(attachments=[attachment(PDF)])), "no part of the request holds"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF), part(NOTE)),
     "belongs to no attachment"),
    (lambda: body(stmt(), part(NOTE)), "belongs to no attachment"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF, sha2=sha256(NOTE))),
     "its content's SHA-2 is"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF, sha2="xyz")),
     "is not a hex SHA-2 hash"),
    (lambda: body(stmt(attachments=[attachment(PDF)]),
                  part(PDF, **{"X-Experience-API-Hash": None})), "no X-Experience-API-Hash"),
    (lambda: body(stmt(attachments=[attachment(PDF)]),
                  part(PDF, **{"Content-Transfer-Encoding": "base64"})),
     "Content-Transfer-Encoding: binary"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF), first_type="text/plain"),
     "first part of a multipart/mixed request must be the statement"),
    (lambda: body(b"{not json", part(PDF)), "The first part is not valid JSON"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF))[:-40],
     "does not end with the closing boundary"),
    (lambda: b"no boundary here", "holds no part delimited by the boundary"),
    (lambda: body(stmt(attachments=[attachment(PDF)]), part(PDF)).replace(b"\r\n", b"\n"),
     "lines must end with CRLF"),
])
def test_bad_multipart_requests_are_400_and_store_nothing(http, make, words):
    """Missing, extra or mismatched parts and malformed bodies: 400 with a precise message,
    nothing stored."""
    response = post(http, make())
    assert response.status_code == 400, response.get_json()
    assert words in response.get_json()["message"]
    assert counts() == (0, 0)


def test_content_type_rules(http):
    """Attachments need multipart/mixed; form-data and an absent boundary are refused."""
    statement = stmt(attachments=[attachment(PDF)])
    response = http.post(statement)
    assert response.status_code == 400
    assert "no part of the request holds" in response.get_json()["message"]
    form = post(http, body(statement, part(PDF)),
                content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert form.status_code == 400 and "multipart/mixed" in form.get_json()["message"]
    missing = post(http, body(statement, part(PDF)), content_type="multipart/mixed")
    assert missing.status_code == 400 and "boundary" in missing.get_json()["message"]
    assert counts() == (0, 0)


def test_oversized_attachments_are_413(http, lrs_app):
    """A request above LMS_XAPI_MAX_REQUEST_BYTES is refused with the limit in the message."""
    lrs_app.config["LMS_XAPI_MAX_REQUEST_BYTES"] = 4096
    big = b"x" * 5000
    response = post(http, body(stmt(attachments=[attachment(big, "text/plain")]),
                               part(big, "text/plain")))
    assert response.status_code == 413
    assert "at most 4096 bytes" in response.get_json()["message"]
    assert counts() == (0, 0)
