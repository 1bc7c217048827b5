"""The media store: files kept by SHA-256 under ``LMS_MEDIA_DIR`` (default instance/media),
so that versions of a course share one copy. Types are checked by content, not by name."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms_core.courses.models import MediaAsset
from lms_core.errors import UserError
from lms_core.extensions import db

#: content type -> (file name endings, a test of the first bytes)
TYPES: dict[str, tuple[tuple[str, ...], object]] = {
    "application/pdf": ((".pdf",), lambda head: head.startswith(b"%PDF-")),
    "video/mp4": ((".mp4", ".m4v"), lambda head: head[4:8] == b"ftyp"),
    "video/webm": ((".webm",), lambda head: head.startswith(b"\x1a\x45\xdf\xa3")),
    "image/png": ((".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ((".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/gif": ((".gif",), lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    "image/webp": ((".webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
KIND_TYPES = {
    "video": ("video/mp4", "video/webm"),
    "pdf": ("application/pdf",),
    "image": ("image/png", "image/jpeg", "image/gif", "image/webp"),
}


def media_dir() -> Path:
    path = Path(current_app.config.get("LMS_MEDIA_DIR") or
                os.path.join(current_app.instance_path, "media"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def asset_path(asset: MediaAsset) -> Path:
    return media_dir() / asset.sha256[:2] / asset.sha256


def detect_type(filename: str, head: bytes, expected: str) -> str:
    """The content type of a file for a lesson of kind ``expected`` (video, pdf, image);
    :class:`UserError` when its name or its bytes do not match an accepted type."""
    lower = filename.lower()
    for ctype in KIND_TYPES[expected]:
        endings, test = TYPES[ctype]
        if lower.endswith(endings):
            if not test(head):
                raise UserError(_("%(file)s is not a valid %(type)s file.", file=filename,
                                  type=ctype))
            return ctype
    allowed = ", ".join(e for c in KIND_TYPES[expected] for e in TYPES[c][0])
    raise UserError(_("%(file)s: this type of file is not accepted here (accepted: %(allowed)s).",
                      file=filename, allowed=allowed))


def store(data: bytes, filename: str, content_type: str) -> MediaAsset:
    """Keep ``data`` in the store (once per content) and return its asset row."""
    digest = hashlib.sha256(data).hexdigest()
    asset = db.session.scalar(sa.select(MediaAsset).where(MediaAsset.sha256 == digest))
    if asset is None:
        asset = MediaAsset(sha256=digest, filename=os.path.basename(filename),
                           content_type=content_type, size=len(data))
        db.session.add(asset)
        db.session.flush()
    path = asset_path(asset)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees half a file, two writers agree.
        fd, tmp = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    return asset
