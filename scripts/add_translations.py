#!/usr/bin/env python3
"""Add or update Vietnamese translations in a package's catalog and compile it.

    .venv/bin/python scripts/add_translations.py lms_core new-strings.json
    .venv/bin/python scripts/add_translations.py plugins/emulation strings.json

The JSON file maps English msgids to Vietnamese msgstrs. A plural entry is given as
``{"singular|plural": ["vi"]}`` is not supported: the UI uses parameters, not plurals.
The catalog is locked while it is rewritten, so several authors can run this at once.
``make extract-messages`` later reconciles the catalog with the source (adds, drops).
"""

from __future__ import annotations

import fcntl
import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po


def main(package: str, json_path: str) -> int:
    po_path = Path(package) / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        print(f"no catalog at {po_path}; run `make extract-messages` first", file=sys.stderr)
        return 2
    entries = json.loads(Path(json_path).read_text(encoding="utf-8"))
    with open(po_path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with open(po_path, "rb") as fh:
            catalog = read_po(fh, locale="vi")
        added = updated = 0
        for msgid, msgstr in entries.items():
            message = catalog.get(msgid)
            if message is None:
                catalog.add(msgid, msgstr)
                added += 1
            elif message.string != msgstr:
                message.string = msgstr
                message.flags.discard("fuzzy")
                updated += 1
        with open(po_path, "wb") as fh:
            write_po(fh, catalog, sort_output=True, omit_header=False, width=100)
        with open(po_path.with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog)
    print(f"{po_path}: {added} added, {updated} updated")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
