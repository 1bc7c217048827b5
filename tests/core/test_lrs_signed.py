"""Signed statements: a JWS (RS256, RS384 or RS512) in a signature attachment whose payload
is the statement."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.api_jws import PyJWS

from lms_core.extensions import db
from lms_core.xapi.models import Attachment
from lms_core.xapi.models import Statement as Row
from tests.core import test_lrs_statements as statements_tests
from tests.core.test_lrs_attachments import BOUNDARY, body, part, post, split
from tests.core.test_lrs_statements import ATTEMPTED, stmt

#: The fixtures of the Statements tests.
lrs_app, make_client = statements_tests.lrs_app, statements_tests.make_client
http = statements_tests.http

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(scope="module")
def keys():
    """Two RSA keys (2048 bits) and a self-signed certificate of the first."""
    first = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    second = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cục Hải quan")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(first.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30)).sign(first, hashes.SHA256()))
    return first, second, certificate


def pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def sign(statement: dict, key, algorithm="RS256", headers=None, payload=None) -> bytes:
    data = payload if payload is not None else json.dumps(statement).encode()
    secret = key if isinstance(key, bytes) else pem(key)
    return PyJWS().encode(data, secret, algorithm=algorithm, headers=headers).encode()


def signed_body(statement: dict, jws: bytes, content_type="application/octet-stream",
                **extra) -> bytes:
    """``statement`` with a signature attachment for ``jws``, as multipart/mixed."""
    signature = {"usageType": SIGNATURE, "display": {"en-US": "Signature"},
                 "contentType": content_type, "length": len(jws),
                 "sha2": hashlib.sha256(jws).hexdigest(), **extra}
    return body({**statement, "attachments": [signature]}, part(jws, content_type))


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Row)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)))


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted_and_kept(http, keys, algorithm):
    """A statement signed with RS256/384/512 is stored with its signature, which comes back
    with attachments=true."""
    statement = stmt(id=str(uuid.uuid4()))
    jws = sign(statement, keys[0], algorithm)
    response = post(http, signed_body(statement, jws))
    assert response.status_code == 200, response.get_json()
    returned = split(http.get(statementId=statement["id"], attachments="true"))
    assert returned[1][1] == jws
    assert json.loads(returned[0][1])["attachments"][0]["usageType"] == SIGNATURE


def test_comparison_follows_the_xapi_rules(http, keys):
    """The payload may differ in id case, time zone, duration precision beyond 0.01 s and
    member order, and may leave out the id; it still signs the statement."""
    sid = str(uuid.uuid4())
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@customs.gov.vn"},
                                               {"mbox": "mailto:b@customs.gov.vn"}]}
    statement = stmt(id=sid, timestamp="2026-03-02T08:30:00Z",
                     result={"duration": "PT1M0.1237S"}, context={"team": group})
    payload = stmt(id=sid.upper(), timestamp="2026-03-02T15:30:00+07:00",
                   result={"duration": "PT1M0.12S"},
                   context={"team": {**group, "member": group["member"][::-1]}})
    response = post(http, signed_body(statement, sign(statement, keys[0],
                                                      payload=json.dumps(payload).encode())))
    assert response.status_code == 200, response.get_json()
    without_id = stmt(id=str(uuid.uuid4()))
    jws = sign(without_id, keys[0], payload=json.dumps(stmt()).encode())
    assert post(http, signed_body(without_id, jws)).status_code == 200


def test_x5c_certificate_is_checked(http, keys):
    """With an x5c chain the signature must verify with the certificate's key."""
    first, second, certificate = keys
    chain = {"x5c": [base64.b64encode(certificate.public_bytes(
        serialization.Encoding.DER)).decode()]}
    statement = stmt(id=str(uuid.uuid4()))
    good = post(http, signed_body(statement, sign(statement, first, headers=chain)))
    assert good.status_code == 200, good.get_json()
    other = stmt(id=str(uuid.uuid4()))
    bad = post(http, signed_body(other, sign(other, second, headers=chain)))
    assert bad.status_code == 400
    assert "does not verify with the key of its x5c certificate" in bad.get_json()["message"]
    broken = stmt(id=str(uuid.uuid4()))
    unreadable = post(http, signed_body(broken, sign(broken, first,
                                                     headers={"x5c": ["bm90IGEgY2VydA=="]})))
    assert unreadable.status_code == 400
    assert "x5c certificate cannot be read" in unreadable.get_json()["message"]


@pytest.mark.parametrize("make, words", [
    (lambda s, k: signed_body(s, sign(s, b"a shared secret of enough length", "HS256")),
     "algorithm 'HS256' is not allowed"),
    (lambda s, k: signed_body(s, sign({**s, "verb": {"id": ATTEMPTED}}, k)),
     "the JWS payload differs from the statement"),
    (lambda s, k: signed_body(s, sign(s, k, payload=b"{'actor': 'not json'}")),
     "the JWS payload is not a JSON statement"),
    (lambda s, k: signed_body(s, sign(s, k, payload=b"[1, 2]")),
     "the JWS payload is not a JSON statement"),
    (lambda s, k: signed_body(s, b"not.a.jws!"), "not a JWS in compact serialisation"),
    (lambda s, k: signed_body(s, sign(s, k).rsplit(b".", 1)[0] + b"."),
     "the JWS has no signature"),
    (lambda s, k: signed_body(s, sign(s, k), content_type="text/plain"),
     "a signature attachment must be application/octet-stream"),
    (lambda s, k: body({**s, "attachments": [{
        "usageType": SIGNATURE, "display": {"en-US": "Signature"},
        "contentType": "application/octet-stream", "length": 10, "sha2": "a" * 64,
        "fileUrl": "https://example.com/sig"}]}), "no part of the request holds"),
])
def test_bad_signatures_are_400_and_store_nothing(http, keys, make, words):
    """Wrong algorithms, payloads, encodings and attachment types are refused precisely."""
    statement = stmt(id=str(uuid.uuid4()))
    response = http.client.post("/xapi/statements", data=make(statement, keys[0]),
                                content_type=f"multipart/mixed; boundary={BOUNDARY}",
                                headers=http.headers())
    assert response.status_code == 400, response.get_json()
    assert words in response.get_json()["message"]
    assert "statement.attachments[0]" in response.get_json()["message"]
    assert counts() == (0, 0)
