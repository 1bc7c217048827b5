"""Signed statements (xAPI 1.0.3 Data 2.6; xAPI 2.0 section 4.2.8).

A signed statement carries an attachment with usageType :data:`SIGNATURE_USAGE` and
contentType ``application/octet-stream`` whose content, sent as a multipart/mixed part, is a
JWS in compact serialisation (RFC 7515) signed with RS256, RS384 or RS512. Its payload is
the statement as it was before the signature was added; it must equal the statement
received, compared as xAPI compares statements (ids without case, timestamps as instants,
durations to 0.01 s; the signature attachment, ``authority``, ``stored`` and ``version``
left out, and ``id`` when the payload has none). When the JWS header carries an ``x5c``
certificate chain, the signature is checked with the first certificate's public key.
PyJWT (with ``cryptography``) reads and checks the JWS.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import jwt
from cryptography import x509
from jwt.api_jws import PyJWS

from lms_core.xapi import validation as V

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_TYPE = "application/octet-stream"
ALGORITHMS = ("RS256", "RS384", "RS512")


def is_signature(attachment: dict) -> bool:
    return attachment.get("usageType") == SIGNATURE_USAGE


def _fail(path: str, message: str):
    raise V.StatementError(f"{path}: {message}")


def verify(statement: dict, jws: bytes, path: str) -> None:
    """Check that ``jws`` is a valid signature of ``statement``; raises
    :class:`~lms_core.xapi.validation.StatementError` (400) naming ``path`` otherwise."""
    try:
        token = jws.decode("ascii").strip()
        header = jwt.get_unverified_header(token)
        decoded = PyJWS().decode_complete(token, options={"verify_signature": False})
    except (UnicodeDecodeError, jwt.PyJWTError) as error:
        _fail(path, f"the signature is not a JWS in compact serialisation ({error})")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        _fail(path, f"the JWS algorithm {algorithm!r} is not allowed; use "
              f"{', '.join(ALGORITHMS)}")
    if not token.rsplit(".", 1)[-1]:
        _fail(path, "the JWS has no signature")
    if "x5c" in header:
        _check_certificate(token, header, algorithm, path)
    try:
        payload = json.loads(decoded["payload"])
    except (ValueError, UnicodeDecodeError):
        _fail(path, "the JWS payload is not a JSON statement")
    if not isinstance(payload, dict):
        _fail(path, "the JWS payload is not a JSON statement")
    if _signed_form(payload, keep_id="id" in payload) != _signed_form(
            statement, keep_id="id" in payload):
        _fail(path, "the JWS payload differs from the statement it signs")


def _check_certificate(token: str, header: dict, algorithm: str, path: str) -> None:
    chain = header["x5c"]
    try:
        if not isinstance(chain, list) or not chain:
            raise ValueError("x5c must be a list of certificates")
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0],
                                                                      validate=True))
        PyJWS().decode_complete(token, key=certificate.public_key(), algorithms=[algorithm])
    except jwt.InvalidSignatureError:
        _fail(path, "the JWS signature does not verify with the key of its x5c certificate")
    except (ValueError, TypeError, binascii.Error, jwt.PyJWTError) as error:
        _fail(path, f"the JWS x5c certificate cannot be read ({error})")


def _signed_form(statement: dict, *, keep_id: bool) -> Any:
    """What the signature covers: the statement without its signature attachments."""
    body = dict(statement)
    attachments = [a for a in body.pop("attachments", None) or []
                   if not (isinstance(a, dict) and is_signature(a))]
    if attachments:
        body["attachments"] = attachments
    form = V.comparable(body)
    if keep_id and "id" in statement:
        form = {"id": str(statement["id"]).lower(), **form}
    return form
