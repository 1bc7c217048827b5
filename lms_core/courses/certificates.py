"""The certificate of completion as a PDF: A4 landscape, bilingual, with its verification code,
the address of the public verification page and a QR code of that address.

The document is bilingual by design (Vietnamese first, English second) whatever the reader's
UI language, so its fixed wording is written here rather than taken from the message catalog.
Text is drawn with an embedded Unicode TrueType font (DejaVu Sans) so that Vietnamese renders;
the folder holding it is the ``LMS_CERTIFICATE_FONT_DIR`` setting.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC
from pathlib import Path

import segno
from flask import current_app, url_for
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lms_core.courses.models import Certificate
from lms_core.ui.i18n import fmt_date

#: Debian's ``fonts-dejavu-core`` puts the fonts here.
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

_GREEN = (11, 93, 59)  # the customs green of the UI
_GOLD = (200, 162, 58)
_GREY = (93, 107, 100)
_INK = (29, 37, 33)

PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
_TEXT_W = 237.0  # width of the centred text block
_LEFT = (PAGE_W - _TEXT_W) / 2


class CertificateFontError(RuntimeError):
    """The TrueType fonts the certificate needs are missing (a server set-up problem)."""


def font_dir() -> Path:
    return Path(current_app.config.get("LMS_CERTIFICATE_FONT_DIR") or DEFAULT_FONT_DIR)


def font_paths() -> dict[str, Path]:
    """The regular and bold font files; :class:`CertificateFontError` names what is missing."""
    folder = font_dir()
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise CertificateFontError(
            "certificate fonts not found: " + ", ".join(missing) + ". Install the Debian "
            "package fonts-dejavu-core or set LMS_CERTIFICATE_FONT_DIR to a folder holding "
            + " and ".join(FONT_FILES.values()) + ".")
    return paths


def verification_url(certificate: Certificate) -> str:
    """The public page that confirms the certificate (needs a request context or
    ``SERVER_NAME``)."""
    return url_for("reports.verify_code", code=certificate.code, _external=True)


def _nfc(text: str) -> str:
    """Names imported from other systems may be in decomposed form (a letter followed by
    combining marks), which the PDF would draw badly without text shaping."""
    return unicodedata.normalize("NFC", text or "")


def _hours(hours: float, decimal: str) -> str:
    return f"{hours:.1f}".replace(".", decimal)


class _CertificatePdf(FPDF):
    def centred(self, text: str, size: float, *, style: str = "", color=_INK,
                max_lines: int = 1, min_size: float = 9, line: float = 1.35,
                link: str | None = None) -> None:
        """Write ``text`` centred across the text block, shrinking the font (down to
        ``min_size``) until it fits in ``max_lines``; the cursor moves below it."""
        while True:
            self.set_font("DejaVu", style, size)
            lines = self.multi_cell(_TEXT_W, text=text, dry_run=True, output="LINES")
            if len(lines) <= max_lines or size <= min_size:
                break
            size -= 1
        self.set_text_color(*color)
        self.set_x(_LEFT)
        self.multi_cell(_TEXT_W, size * 0.3528 * line, text=text, align="C", link=link,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def frame(self) -> None:
        self.set_draw_color(*_GREEN)
        self.set_line_width(1.2)
        self.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
        self.set_draw_color(*_GOLD)
        self.set_line_width(0.5)
        self.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)

    def rule(self, y: float, width: float = 50) -> None:
        self.set_draw_color(*_GOLD)
        self.set_line_width(0.6)
        self.line((PAGE_W - width) / 2, y, (PAGE_W + width) / 2, y)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code of ``data``, ``size`` mm square including its quiet zone, drawn as
        vector rectangles (one per run of dark modules)."""
        code = segno.make(data, error="m", micro=False)
        rows = [list(row) for row in code.matrix]
        quiet = 2
        module = size / (len(rows) + 2 * quiet)
        self.set_fill_color(255, 255, 255)
        self.rect(x, y, size, size, style="F")
        self.set_fill_color(0, 0, 0)
        for r, row in enumerate(rows):
            c = 0
            while c < len(row):
                if not row[c]:
                    c += 1
                    continue
                start = c
                while c < len(row) and row[c]:
                    c += 1
                self.rect(x + (quiet + start) * module, y + (quiet + r) * module,
                          (c - start) * module, module, style="F")


def render_pdf(certificate: Certificate, *, url: str | None = None,
               compress: bool = True) -> bytes:
    """The certificate as PDF bytes. ``url`` is the verification page's address (by default
    built with ``url_for``, which needs a request context); ``compress=False`` leaves the
    page content readable, for inspection. Raises :class:`CertificateFontError` when the
    fonts are missing."""
    fonts = font_paths()
    url = url or verification_url(certificate)
    enrolment = certificate.enrolment
    completed = enrolment.completed_at or certificate.issued_at
    holder = _nfc(certificate.holder_name)
    title_vi = _nfc(certificate.course_title_vi)
    title_en = _nfc(certificate.course_title_en)

    pdf = _CertificatePdf(orientation="L", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(False)
    pdf.set_margins(_LEFT, 15, _LEFT)
    for style, path in fonts.items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(f"Giấy chứng nhận hoàn thành khoá học {certificate.code}")
    pdf.set_subject(f"{title_vi} / {title_en}")
    pdf.set_author("Hải quan Việt Nam")
    pdf.set_creator("Học tập Hải quan")
    pdf.set_keywords(certificate.code)
    pdf.set_lang("vi")
    pdf.set_creation_date(certificate.issued_at.replace(tzinfo=UTC))
    pdf.add_page()
    pdf.frame()

    pdf.set_y(20)
    pdf.centred("HẢI QUAN VIỆT NAM", 15, style="B", color=_GREEN)
    pdf.centred("VIETNAM CUSTOMS", 9, color=_GREY)
    pdf.rule(pdf.get_y() + 3)
    pdf.set_y(pdf.get_y() + 9)
    pdf.centred("GIẤY CHỨNG NHẬN HOÀN THÀNH KHOÁ HỌC", 24, style="B", color=_GREEN)
    pdf.centred("Certificate of completion", 13, color=_GREY)

    pdf.set_y(pdf.get_y() + 6)
    pdf.centred("Chứng nhận · This is to certify that", 11, color=_GREY)
    pdf.set_y(pdf.get_y() + 1)
    pdf.centred(holder, 22, style="B", max_lines=2, min_size=14)
    pdf.set_y(pdf.get_y() + 2)
    pdf.centred("đã hoàn thành khoá học · has completed the course", 11, color=_GREY)
    pdf.set_y(pdf.get_y() + 1)
    pdf.centred(title_vi, 16, style="B", color=_GREEN, max_lines=3, min_size=11)
    if title_en and title_en != title_vi:
        pdf.centred(title_en, 12, color=_GREY, max_lines=2, min_size=9)
    pdf.set_y(pdf.get_y() + 4)
    pdf.centred(f"Số giờ học: {_hours(certificate.hours, ',')} giờ · "
                f"Study hours: {_hours(certificate.hours, '.')}", 11)
    pdf.centred(f"Ngày hoàn thành · Completed on: {fmt_date(completed)}", 11)

    # The verification block, at the foot of the page.
    qr_size, qr_x, qr_y = 30.0, 20.0, PAGE_H - 20.0 - 30.0
    pdf.qr(url, qr_x, qr_y, qr_size)
    text_x = qr_x + qr_size + 4
    pdf.set_text_color(*_GREY)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(text_x, qr_y + 3)
    pdf.cell(text="Mã xác thực · Verification code", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(h=8, text=certificate.code, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*_GREY)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(text="Kiểm tra tại · Verify at", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*_GREEN)
    pdf.set_font("DejaVu", "", 8 if len(url) < 90 else 6)
    pdf.cell(text=url, link=url, new_x=XPos.LEFT, new_y=YPos.NEXT)

    pdf.set_text_color(*_GREY)
    pdf.set_font("DejaVu", "", 9)
    issued = f"Ngày cấp · Issued on: {fmt_date(certificate.issued_at)}"
    pdf.set_xy(PAGE_W - 20 - 90, qr_y + qr_size - 6)
    pdf.cell(90, 6, text=issued, align="R")
    return bytes(pdf.output())


def file_name(certificate: Certificate) -> str:
    """The download's file name: ``chung-nhan-HQ-XXXX-XXXX.pdf``."""
    return f"chung-nhan-{certificate.code}.pdf"
