"""Demo data: the campaign 2024–2030 with its phases and periods, the demo rule set of both
phases (plugins/emulation/rules/campaign-2024-2030.yaml, activated) and the emulation
clusters (cụm thi đua) of comparable units of today's tree.

Clusters group units of similar mission and size: the 20 regional branches in four clusters
of five, by region (north to south); the central divisions (Ban) in one block; the
operational branches and the customs school in another. Codes missing from the organisation
(an organisation other than the demo's) are skipped. Running it again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.organisation import queries as org
from plugins.emulation import campaign, rules
from plugins.emulation.models import Cluster, ClusterUnit

RULES_FILE = Path(__file__).parent / "rules" / "campaign-2024-2030.yaml"

#: ``(code, name_vi, name_en, unit codes)``.
CLUSTERS = [
    ("CUM-KV1",
     "Cụm thi đua số 1: Chi cục Hải quan khu vực Hà Nội, Bắc Ninh và miền núi phía Bắc",
     "Cluster 1: regional branches of Hanoi, Bac Ninh and the northern mountains",
     ["KV01", "KV04", "KV07", "KV08", "KV09"]),
    ("CUM-KV2",
     "Cụm thi đua số 2: Chi cục Hải quan khu vực Hải Phòng, Bắc Trung Bộ và Trung Trung Bộ",
     "Cluster 2: regional branches of Hai Phong, the north-central and central coast",
     ["KV03", "KV05", "KV06", "KV10", "KV11"]),
    ("CUM-KV3",
     "Cụm thi đua số 3: Chi cục Hải quan khu vực Nam Trung Bộ, Tây Nguyên và Đông Nam Bộ",
     "Cluster 3: regional branches of the south-central coast, the highlands and the south-east",
     ["KV12", "KV13", "KV14", "KV15", "KV17"]),
    ("CUM-KV4",
     "Cụm thi đua số 4: Chi cục Hải quan khu vực TP. Hồ Chí Minh, Bình Dương và Tây Nam Bộ",
     "Cluster 4: regional branches of Ho Chi Minh City, Binh Duong and the Mekong delta",
     ["KV02", "KV16", "KV18", "KV19", "KV20"]),
    ("KHOI-BAN", "Khối các Ban tham mưu thuộc Cục Hải quan",
     "Block of the central divisions of the Customs Department",
     ["VP", "BTCCB", "BTVQT", "BPC", "BHTQT", "BTTKT", "BNVTHQ", "BGSQL", "BKTSTQ", "BQLRR",
      "BCDS"]),
    ("KHOI-NVSN", "Khối các Chi cục nghiệp vụ và đơn vị sự nghiệp trực thuộc",
     "Block of the operational branches and the school",
     ["CCDTCBL", "CCKDHQ", "THQVN"]),
]


def ensure_clusters() -> int:
    """Create the demo clusters whose units exist (at least two); returns how many were
    created."""
    c = campaign.campaign()
    created = 0
    for code, vi, en, unit_codes in CLUSTERS:
        if db.session.scalar(sa.select(Cluster).where(Cluster.code == code)) is not None:
            continue
        units = [u for u in (org.unit_by_code(x) for x in unit_codes)
                 if u is not None and u.dissolved_on is None]
        if len(units) < 2:
            continue
        cluster = Cluster(campaign_id=c.id, code=code, name_vi=vi, name_en=en)
        db.session.add(cluster)
        db.session.flush()
        for unit in units:
            db.session.add(ClusterUnit(cluster_id=cluster.id, unit_id=unit.id))
        created += 1
    db.session.flush()
    return created


def load(seed: int | None = None) -> str:
    """The campaign, the rules of both phases (activated) and the clusters. Flushes."""
    campaign.ensure_campaign()
    text = RULES_FILE.read_text(encoding="utf-8")
    versions = []
    for phase in (1, 2):
        report = rules.import_rules(text, phase=phase, activate=True)
        if not report.ok:
            raise RuntimeError(f"demo rules of phase {phase}: " + "; ".join(report.problems))
        versions.append(report.version)
    clusters = ensure_clusters()
    return (f"campaign 2024–2030 with {len(campaign.periods())} periods, rules of phases 1 and "
            f"2 (versions {versions[0]}, {versions[1]}), {clusters} emulation clusters")
