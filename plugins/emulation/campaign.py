"""The campaign's calendar. Until the campaign rules are data (the emulation issue), the two
phases of DOMAIN.md are the defaults here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Phase:
    number: int
    start: date
    end: date  #: inclusive
    review: object  #: the review that closes the phase

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


PHASES = (
    Phase(1, date(2024, 1, 1), date(2025, 12, 31), _l("preliminary review (2025)")),
    Phase(2, date(2026, 1, 1), date(2030, 12, 31), _l("final review (2030)")),
)


def current_phase(today: date | None = None) -> Phase | None:
    today = today or date.today()
    return next((p for p in PHASES if p.contains(today)), None)
