"""The demo organisation as data: Vietnam Customs on 1 January 2024 and its 2025 restructuring.

It is demo data, plausible rather than the exact legal list: the 35 provincial customs
departments and the HQ departments are the real ones; the grouping of provinces into the 20
regional branches and the names of sub-departments are believable, not authoritative.

Codes are stable and readable: ``HQVN`` for the root (it keeps its code when the General
Department is renamed), the old HQ departments (``VTCCB``, ``CKTSTQ`` ...), the new central
units (``BTCCB``, ``BKTSTQ`` ...), the provincial departments ``HQ<province>`` with their
sub-departments ``HQHCM-01`` and teams ``HQHCM-01-D1``, and the branches ``KV01`` … ``KV20``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: The founding day of Vietnam Customs, used as the root's establishment date.
FOUNDED_ON = date(1945, 9, 10)
#: When the units of the pre-2025 tree are recorded as established (Decision 65/2015/QĐ-TTg
#: took effect at the start of 2016); officers' assignments start on or after this day.
ESTABLISHED_ON = date(2016, 1, 1)
#: The snapshot the tree describes before the restructuring.
SNAPSHOT_ON = date(2024, 1, 1)
#: The restructuring: the General Department becomes the Customs Department.
RESTRUCTURED_ON = date(2025, 3, 1)
#: The adjustment of the branches' areas decided in June 2025.
ADJUSTED_ON = date(2025, 7, 1)

ROOT_CODE = "HQVN"
ROOT_2024 = ("Tổng cục Hải quan", "General Department of Vietnam Customs")
ROOT_2025 = ("Cục Hải quan", "Vietnam Customs Department")


# --- professional fields and job positions ------------------------------------------------

#: ``(code, name_vi, name_en)``; the first six are the fields of the competency assessments.
FIELDS = [
    ("GSQL", "Giám sát quản lý về hải quan", "Customs supervision and control"),
    ("THUE", "Thuế xuất nhập khẩu", "Import-export tax"),
    ("KTSTQ", "Kiểm tra sau thông quan", "Post-clearance audit"),
    ("DTCBL", "Điều tra chống buôn lậu", "Anti-smuggling investigation"),
    ("QLRR", "Quản lý rủi ro", "Risk management"),
    ("XLVP", "Xử lý vi phạm", "Handling of violations"),
    ("KDHQ", "Kiểm định hải quan", "Customs verification and analysis"),
    ("CNTT", "Công nghệ thông tin và thống kê hải quan",
     "Information technology and customs statistics"),
    ("TCCB", "Tổ chức cán bộ và đào tạo", "Personnel, organisation and training"),
]


@dataclass(frozen=True)
class PositionSpec:
    code: str
    name_vi: str
    name_en: str
    field: str | None = None
    leadership: bool = False


def _p(code, vi, en, field=None, leadership=False) -> PositionSpec:
    return PositionSpec(code, vi, en, field, leadership)


POSITIONS = [
    # leadership, by level of the unit led
    _p("LD-TCT", "Tổng cục trưởng", "Director General", None, True),
    _p("LD-PTCT", "Phó Tổng cục trưởng", "Deputy Director General", None, True),
    _p("LD-VT", "Vụ trưởng, Cục trưởng cơ quan Tổng cục", "Director of an HQ department",
       None, True),
    _p("LD-PVT", "Phó Vụ trưởng, Phó Cục trưởng cơ quan Tổng cục",
       "Deputy Director of an HQ department", None, True),
    _p("LD-TP", "Trưởng phòng", "Head of Division", None, True),
    _p("LD-PTP", "Phó Trưởng phòng", "Deputy Head of Division", None, True),
    _p("LD-CT", "Cục trưởng Cục Hải quan tỉnh, thành phố",
       "Director of a Provincial Customs Department", None, True),
    _p("LD-PCT", "Phó Cục trưởng Cục Hải quan tỉnh, thành phố",
       "Deputy Director of a Provincial Customs Department", None, True),
    _p("LD-CCT", "Chi cục trưởng Chi cục Hải quan", "Head of Customs Sub-department",
       "GSQL", True),
    _p("LD-PCCT", "Phó Chi cục trưởng Chi cục Hải quan",
       "Deputy Head of Customs Sub-department", "GSQL", True),
    _p("LD-CCT-KT", "Chi cục trưởng Chi cục Kiểm tra sau thông quan",
       "Head of Post-Clearance Audit Sub-department", "KTSTQ", True),
    _p("LD-PCCT-KT", "Phó Chi cục trưởng Chi cục Kiểm tra sau thông quan",
       "Deputy Head of Post-Clearance Audit Sub-department", "KTSTQ", True),
    _p("LD-DT-NV", "Đội trưởng Đội nghiệp vụ hải quan", "Leader of a Customs Operations Team",
       "GSQL", True),
    _p("LD-PDT-NV", "Phó Đội trưởng Đội nghiệp vụ hải quan",
       "Deputy Leader of a Customs Operations Team", "GSQL", True),
    _p("LD-DT-KS", "Đội trưởng Đội Kiểm soát hải quan", "Leader of a Customs Enforcement Team",
       "DTCBL", True),
    _p("LD-PDT-KS", "Phó Đội trưởng Đội Kiểm soát hải quan",
       "Deputy Leader of a Customs Enforcement Team", "DTCBL", True),
    _p("LD-DT-KT", "Đội trưởng Đội Kiểm tra sau thông quan",
       "Leader of a Post-Clearance Audit Team", "KTSTQ", True),
    _p("LD-PDT-KT", "Phó Đội trưởng Đội Kiểm tra sau thông quan",
       "Deputy Leader of a Post-Clearance Audit Team", "KTSTQ", True),
    _p("LD-DT-TH", "Đội trưởng Đội Tổng hợp", "Leader of a General Affairs Team", None, True),
    _p("LD-PDT-TH", "Phó Đội trưởng Đội Tổng hợp", "Deputy Leader of a General Affairs Team",
       None, True),
    _p("LD-HT", "Hiệu trưởng Trường Hải quan Việt Nam", "Rector of the Vietnam Customs School",
       "TCCB", True),
    _p("LD-PHT", "Phó Hiệu trưởng Trường Hải quan Việt Nam",
       "Vice-Rector of the Vietnam Customs School", "TCCB", True),
    _p("LD-TK", "Trưởng khoa", "Dean of Faculty", "TCCB", True),
    _p("LD-PTK", "Phó Trưởng khoa", "Deputy Dean of Faculty", "TCCB", True),
    # customs supervision and control
    _p("GSQL-TN", "Công chức tiếp nhận, kiểm tra hồ sơ hải quan",
       "Officer receiving and checking customs declarations", "GSQL"),
    _p("GSQL-KTTT", "Công chức kiểm tra thực tế hàng hóa",
       "Officer for physical inspection of goods", "GSQL"),
    _p("GSQL-CK", "Công chức giám sát hải quan tại cửa khẩu",
       "Customs supervision officer at the border gate", "GSQL"),
    _p("GSQL-KB", "Công chức giám sát hàng hóa tại kho, bãi, cảng",
       "Officer supervising goods in warehouses, yards and ports", "GSQL"),
    _p("GSQL-GC", "Công chức quản lý hàng gia công, sản xuất xuất khẩu, chế xuất",
       "Officer managing processing, export-production and EPZ goods", "GSQL"),
    _p("GSQL-CS", "Công chức xây dựng chính sách giám sát quản lý",
       "Customs control policy officer", "GSQL"),
    # import-export tax
    _p("THUE-TG", "Công chức kiểm tra trị giá hải quan", "Customs valuation officer", "THUE"),
    _p("THUE-PL", "Công chức phân loại hàng hóa, áp mã số",
       "Tariff classification officer", "THUE"),
    _p("THUE-XX", "Công chức kiểm tra xuất xứ hàng hóa", "Rules of origin officer", "THUE"),
    _p("THUE-NO", "Công chức quản lý nợ thuế", "Tax debt management officer", "THUE"),
    _p("THUE-KT", "Công chức kế toán thuế xuất nhập khẩu", "Import-export tax accountant",
       "THUE"),
    _p("THUE-HT", "Công chức miễn, giảm, hoàn thuế", "Officer for duty exemption, reduction "
       "and refund", "THUE"),
    # post-clearance audit
    _p("KTSTQ-KT", "Công chức kiểm tra sau thông quan", "Post-clearance audit officer", "KTSTQ"),
    _p("KTSTQ-TT", "Công chức thu thập, phân tích thông tin doanh nghiệp",
       "Officer collecting and analysing company information", "KTSTQ"),
    _p("KTSTQ-TS", "Công chức kiểm tra tại trụ sở người khai hải quan",
       "Officer auditing at the declarant's premises", "KTSTQ"),
    # anti-smuggling investigation
    _p("DTCBL-KS", "Công chức kiểm soát hải quan", "Customs enforcement officer", "DTCBL"),
    _p("DTCBL-DT", "Công chức điều tra chống buôn lậu", "Anti-smuggling investigator", "DTCBL"),
    _p("DTCBL-TS", "Công chức trinh sát hải quan", "Customs intelligence officer", "DTCBL"),
    _p("DTCBL-MT", "Công chức kiểm soát phòng, chống ma túy", "Drug enforcement officer",
       "DTCBL"),
    # risk management
    _p("QLRR-TT", "Công chức thu thập, xử lý thông tin quản lý rủi ro",
       "Risk information collection officer", "QLRR"),
    _p("QLRR-PT", "Công chức phân tích rủi ro, thiết lập tiêu chí phân luồng",
       "Risk analyst setting selectivity criteria", "QLRR"),
    _p("QLRR-TC", "Công chức đánh giá tuân thủ doanh nghiệp", "Compliance assessment officer",
       "QLRR"),
    # handling of violations
    _p("XLVP-XL", "Công chức xử lý vi phạm hành chính về hải quan",
       "Officer handling administrative customs violations", "XLVP"),
    _p("XLVP-KN", "Công chức giải quyết khiếu nại, tố cáo",
       "Officer handling complaints and denunciations", "XLVP"),
    _p("XLVP-PC", "Công chức pháp chế hải quan", "Customs legal officer", "XLVP"),
    # customs verification
    _p("KDHQ-PT", "Công chức phân tích, phân loại mẫu hàng hóa",
       "Officer analysing and classifying samples", "KDHQ"),
    _p("KDHQ-GD", "Công chức kiểm định hải quan", "Customs verification officer", "KDHQ"),
    # information technology and statistics
    _p("CNTT-QT", "Công chức quản trị hệ thống công nghệ thông tin",
       "IT systems administrator", "CNTT"),
    _p("CNTT-PT", "Công chức phát triển ứng dụng, chuyển đổi số",
       "Application development and digital transformation officer", "CNTT"),
    _p("CNTT-TK", "Công chức thống kê hải quan", "Customs statistics officer", "CNTT"),
    # personnel, organisation and training
    _p("TCCB-TC", "Công chức tổ chức cán bộ", "Personnel officer", "TCCB"),
    _p("TCCB-DT", "Công chức đào tạo, bồi dưỡng", "Training officer", "TCCB"),
    _p("TCCB-GV", "Giảng viên", "Lecturer", "TCCB"),
    _p("TCCB-TD", "Công chức thi đua, khen thưởng", "Emulation and commendation officer",
       "TCCB"),
    # general
    _p("CV-TH", "Chuyên viên tổng hợp", "General affairs officer"),
    _p("CV-VT", "Văn thư, lưu trữ", "Records and archives clerk"),
    _p("CV-KT", "Kế toán", "Accountant"),
    _p("CV-HTQT", "Chuyên viên hợp tác quốc tế", "International cooperation officer"),
    _p("CV-TTR", "Thanh tra viên", "Inspector"),
]

#: Staff (non-leadership) positions drawn for officers in a unit of each profile, weighted.
PROFILE_POSITIONS: dict[str, list[tuple[str, int]]] = {
    "gs": [("GSQL-TN", 6), ("GSQL-KTTT", 5), ("GSQL-CK", 5), ("GSQL-KB", 3), ("GSQL-GC", 2),
           ("THUE-TG", 3), ("THUE-PL", 3), ("THUE-XX", 2), ("QLRR-PT", 1), ("XLVP-XL", 1)],
    "th": [("THUE-NO", 3), ("THUE-KT", 3), ("THUE-HT", 2), ("CV-TH", 3), ("CV-VT", 2),
           ("CV-KT", 2), ("XLVP-XL", 2), ("QLRR-TT", 1)],
    "ks": [("DTCBL-KS", 6), ("DTCBL-TS", 3), ("DTCBL-MT", 2), ("DTCBL-DT", 2), ("XLVP-XL", 1)],
    "kt": [("KTSTQ-KT", 6), ("KTSTQ-TS", 3), ("KTSTQ-TT", 3), ("THUE-TG", 1)],
    "prov": [("QLRR-TT", 3), ("QLRR-PT", 2), ("XLVP-XL", 2), ("XLVP-PC", 2), ("TCCB-TC", 2),
             ("TCCB-TD", 1), ("THUE-PL", 2), ("GSQL-CS", 1), ("CNTT-QT", 2), ("CNTT-TK", 1),
             ("CV-TH", 2), ("CV-VT", 1), ("CV-KT", 1)],
    "sub": [("CV-TH", 3), ("CV-VT", 1), ("GSQL-TN", 1)],
    "school": [("TCCB-GV", 8), ("TCCB-DT", 3), ("CV-TH", 1), ("CV-VT", 1)],
    "GSQL": [("GSQL-CS", 4), ("GSQL-GC", 2), ("GSQL-CK", 1), ("GSQL-KB", 1), ("CV-TH", 1)],
    "THUE": [("THUE-TG", 3), ("THUE-PL", 3), ("THUE-XX", 2), ("THUE-NO", 2), ("THUE-HT", 1)],
    "KTSTQ": [("KTSTQ-KT", 5), ("KTSTQ-TT", 3), ("KTSTQ-TS", 2)],
    "DTCBL": [("DTCBL-DT", 4), ("DTCBL-TS", 3), ("DTCBL-KS", 3), ("DTCBL-MT", 2)],
    "QLRR": [("QLRR-PT", 4), ("QLRR-TT", 3), ("QLRR-TC", 3)],
    "XLVP": [("XLVP-PC", 4), ("XLVP-XL", 3), ("XLVP-KN", 2)],
    "KDHQ": [("KDHQ-PT", 4), ("KDHQ-GD", 4)],
    "CNTT": [("CNTT-QT", 4), ("CNTT-PT", 4), ("CNTT-TK", 3)],
    "TCCB": [("TCCB-TC", 4), ("TCCB-DT", 3), ("TCCB-TD", 2), ("CV-TH", 1)],
    "GEN": [("CV-TH", 4), ("CV-VT", 2), ("CV-KT", 2)],
    "HTQT": [("CV-HTQT", 5), ("CV-TH", 1)],
    "TTR": [("CV-TTR", 4), ("XLVP-KN", 2)],
    "TVQT": [("CV-KT", 4), ("CV-TH", 2), ("CV-VT", 1)],
}

#: Leadership of a unit: ``(head position, deputy position)`` by the slot's kind.
LEADERS = {
    "root": ("LD-TCT", "LD-PTCT"),
    "hq": ("LD-VT", "LD-PVT"),
    "division": ("LD-TP", "LD-PTP"),
    "prov": ("LD-CT", "LD-PCT"),
    "sub": ("LD-CCT", "LD-PCCT"),
    "sub_kt": ("LD-CCT-KT", "LD-PCCT-KT"),
    "gs": ("LD-DT-NV", "LD-PDT-NV"),
    "th": ("LD-DT-TH", "LD-PDT-TH"),
    "ks": ("LD-DT-KS", "LD-PDT-KS"),
    "kt": ("LD-DT-KT", "LD-PDT-KT"),
    "school": ("LD-HT", "LD-PHT"),
    "faculty": ("LD-TK", "LD-PTK"),
}


# --- headquarters -------------------------------------------------------------------------

@dataclass(frozen=True)
class HqDepartment:
    code: str
    name_vi: str
    name_en: str
    profile: str  #: the field (or staff profile) of its officers
    weight: float  #: share of the officers, relative to the provincial departments' weights
    divisions: list[tuple[str, str]] = field(default_factory=list)  #: (name_vi, name_en)
    kind: str = "department"


HQ_DEPARTMENTS = [
    HqDepartment("VPTC", "Văn phòng", "Office of the General Department", "GEN", 4.5, [
        ("Phòng Tổng hợp", "General Affairs Division"),
        ("Phòng Hành chính - Văn thư", "Administration and Records Division"),
        ("Phòng Truyền thông hải quan", "Customs Communication Division"),
    ]),
    HqDepartment("VTCCB", "Vụ Tổ chức cán bộ", "Personnel and Organisation Department",
                 "TCCB", 3.5, [
                     ("Phòng Tổ chức bộ máy", "Organisational Structure Division"),
                     ("Phòng Quản lý cán bộ", "Personnel Management Division"),
                     ("Phòng Đào tạo", "Training Division"),
                     ("Phòng Thi đua - Khen thưởng", "Emulation and Commendation Division"),
                 ]),
    HqDepartment("VPC", "Vụ Pháp chế", "Legal Department", "XLVP", 2, [
        ("Phòng Xây dựng pháp luật", "Legislation Division"),
        ("Phòng Xử lý vi phạm", "Violations Handling Division"),
    ]),
    HqDepartment("VHTQT", "Vụ Hợp tác quốc tế", "International Cooperation Department",
                 "HTQT", 1.5, [
                     ("Phòng Hợp tác đa phương", "Multilateral Cooperation Division"),
                     ("Phòng Hợp tác song phương", "Bilateral Cooperation Division"),
                 ]),
    HqDepartment("VTTKT", "Vụ Thanh tra - Kiểm tra", "Inspection and Internal Audit Department",
                 "TTR", 2, [
                     ("Phòng Thanh tra", "Inspection Division"),
                     ("Phòng Kiểm tra nội bộ", "Internal Audit Division"),
                 ]),
    HqDepartment("CTVQT", "Cục Tài vụ - Quản trị", "Finance and Administration Department",
                 "TVQT", 3, [
                     ("Phòng Kế toán", "Accounting Division"),
                     ("Phòng Quản trị", "Facilities Division"),
                 ]),
    HqDepartment("BCCHDH", "Ban Cải cách hiện đại hóa hải quan",
                 "Customs Reform and Modernisation Board", "GEN", 1, [
                     ("Phòng Cải cách thủ tục hành chính",
                      "Administrative Procedure Reform Division"),
                 ]),
    HqDepartment("CGSQL", "Cục Giám sát quản lý về hải quan",
                 "Customs Control and Supervision Department", "GSQL", 3.5, [
                     ("Phòng Giám sát hàng hóa", "Goods Supervision Division"),
                     ("Phòng Quản lý hàng gia công, sản xuất xuất khẩu",
                      "Processing and Export Production Division"),
                     ("Phòng Giám sát cửa khẩu", "Border Gate Supervision Division"),
                 ]),
    HqDepartment("CTXNK", "Cục Thuế xuất nhập khẩu", "Import-Export Duty Department", "THUE",
                 3.5, [
                     ("Phòng Trị giá hải quan", "Customs Valuation Division"),
                     ("Phòng Phân loại hàng hóa", "Tariff Classification Division"),
                     ("Phòng Xuất xứ hàng hóa", "Rules of Origin Division"),
                     ("Phòng Quản lý nợ thuế", "Tax Debt Division"),
                 ]),
    HqDepartment("CKTSTQ", "Cục Kiểm tra sau thông quan", "Post-Clearance Audit Department",
                 "KTSTQ", 4, [
                     ("Phòng Nghiệp vụ", "Operations Division"),
                     ("Phòng Kiểm tra sau thông quan số 1", "Post-Clearance Audit Division 1"),
                     ("Phòng Kiểm tra sau thông quan số 2", "Post-Clearance Audit Division 2"),
                 ]),
    HqDepartment("CDTCBL", "Cục Điều tra chống buôn lậu",
                 "Anti-Smuggling and Investigation Department", "DTCBL", 7, [
                     ("Phòng Nghiệp vụ", "Operations Division"),
                     ("Phòng Điều tra", "Investigation Division"),
                     ("Đội Kiểm soát phòng, chống ma túy", "Drug Enforcement Team"),
                     ("Hải đội kiểm soát trên biển số 1", "Maritime Enforcement Flotilla 1"),
                     ("Hải đội kiểm soát trên biển số 2", "Maritime Enforcement Flotilla 2"),
                     ("Hải đội kiểm soát trên biển số 3", "Maritime Enforcement Flotilla 3"),
                 ]),
    HqDepartment("CQLRR", "Cục Quản lý rủi ro", "Risk Management Department", "QLRR", 3, [
        ("Phòng Thu thập, xử lý thông tin", "Information Collection Division"),
        ("Phòng Phân tích rủi ro", "Risk Analysis Division"),
        ("Phòng Quản lý tuân thủ doanh nghiệp", "Business Compliance Division"),
    ]),
    HqDepartment("CKDHQ", "Cục Kiểm định hải quan", "Customs Verification Department", "KDHQ",
                 2.5, [
                     ("Phòng Nghiệp vụ", "Operations Division"),
                     ("Phòng Phân tích - Kiểm định số 1", "Analysis and Verification Division 1"),
                     ("Phòng Phân tích - Kiểm định số 2", "Analysis and Verification Division 2"),
                 ]),
    HqDepartment("CCNTT", "Cục Công nghệ thông tin và Thống kê hải quan",
                 "Information Technology and Customs Statistics Department", "CNTT", 4, [
                     ("Phòng Quản lý vận hành hệ thống", "Systems Operation Division"),
                     ("Phòng Phát triển ứng dụng", "Application Development Division"),
                     ("Phòng Thống kê hải quan", "Customs Statistics Division"),
                 ]),
    HqDepartment("THQVN", "Trường Hải quan Việt Nam", "Vietnam Customs School", "school", 5, [
        ("Khoa Nghiệp vụ hải quan", "Faculty of Customs Operations"),
        ("Khoa Kiến thức cơ sở", "Faculty of Foundation Studies"),
        ("Phòng Quản lý đào tạo", "Training Management Division"),
        ("Phòng Tổ chức - Hành chính", "Personnel and Administration Division"),
    ], kind="school"),
]

#: The central units created on 1 March 2025: ``(code, name_vi, name_en, [old codes])``.
#: Each absorbs the HQ departments listed (merge); the school stays as it is.
CENTRAL_UNITS = [
    ("VP", "Văn phòng", "Office", ["VPTC", "BCCHDH"]),
    ("BTCCB", "Ban Tổ chức cán bộ", "Personnel and Organisation Division", ["VTCCB"]),
    ("BTVQT", "Ban Tài vụ - Quản trị", "Finance and Administration Division", ["CTVQT"]),
    ("BPC", "Ban Pháp chế", "Legal Affairs Division", ["VPC"]),
    ("BHTQT", "Ban Hợp tác quốc tế", "International Cooperation Division", ["VHTQT"]),
    ("BTTKT", "Ban Thanh tra - Kiểm tra", "Inspection and Internal Audit Division", ["VTTKT"]),
    ("BNVTHQ", "Ban Nghiệp vụ thuế hải quan", "Customs Tax Operations Division", ["CTXNK"]),
    ("BGSQL", "Ban Giám sát quản lý về hải quan", "Customs Control and Supervision Division",
     ["CGSQL"]),
    ("BKTSTQ", "Ban Kiểm tra sau thông quan", "Post-Clearance Audit Division", ["CKTSTQ"]),
    ("BQLRR", "Ban Quản lý rủi ro", "Risk Management Division", ["CQLRR"]),
    ("BCDS", "Ban Chuyển đổi số", "Digital Transformation Division", ["CCNTT"]),
    ("CCDTCBL", "Chi cục Điều tra chống buôn lậu", "Anti-Smuggling and Investigation Branch",
     ["CDTCBL"]),
    ("CCKDHQ", "Chi cục Kiểm định hải quan", "Customs Verification Branch", ["CKDHQ"]),
]


# --- provincial departments ---------------------------------------------------------------

@dataclass(frozen=True)
class Province:
    code: str
    city: bool  #: "thành phố" (centrally run city) rather than "tỉnh"
    place_vi: str
    place_en: str
    weight: float  #: relative size (officers)
    south: bool  #: southern naming (Huỳnh, Võ more common than Hoàng, Vũ)
    area: list[str]  #: provinces it covered
    #: sub-departments: ``(suffix after "Chi cục Hải quan " / "Hải quan ", English stem)``
    subs: list[tuple[str, str]]

    @property
    def name_vi(self) -> str:
        if self.code == "HQHCM":
            return "Cục Hải quan Thành phố Hồ Chí Minh"
        return f"Cục Hải quan {'thành phố' if self.city else 'tỉnh'} {self.place_vi}"

    @property
    def name_en(self) -> str:
        return f"Customs Department of {self.place_en}"


def _prov(code, city, place_vi, place_en, weight, south, area, subs) -> Province:
    return Province(code, city, place_vi, place_en, weight, south, area, subs)


PROVINCES = [
    _prov("HQHN", True, "Hà Nội", "Hanoi", 65, False,
          ["Hà Nội", "Vĩnh Phúc", "Phú Thọ", "Hòa Bình", "Yên Bái"], [
              ("cửa khẩu sân bay quốc tế Nội Bài", "Noi Bai International Airport Border Gate"),
              ("Bắc Hà Nội", "North Hanoi"),
              ("Gia Thụy", "Gia Thuy"),
              ("ga đường sắt quốc tế Yên Viên", "Yen Vien International Railway Station"),
              ("Bắc Thăng Long", "Bac Thang Long"),
              ("quản lý hàng đầu tư - gia công", "Investment and Processing Goods"),
              ("Chuyển phát nhanh", "Express Delivery"),
              ("Vĩnh Phúc", "Vinh Phuc"),
              ("Phú Thọ", "Phu Tho"),
              ("Hòa Bình", "Hoa Binh"),
              ("Yên Bái", "Yen Bai"),
          ]),
    _prov("HQHCM", True, "TP. Hồ Chí Minh", "Ho Chi Minh City", 80, True,
          ["TP. Hồ Chí Minh"], [
              ("cửa khẩu cảng Sài Gòn khu vực I", "Saigon Port Area I Border Gate"),
              ("cửa khẩu cảng Sài Gòn khu vực II", "Saigon Port Area II Border Gate"),
              ("cửa khẩu cảng Sài Gòn khu vực III", "Saigon Port Area III Border Gate"),
              ("cửa khẩu cảng Sài Gòn khu vực IV", "Saigon Port Area IV Border Gate"),
              ("cửa khẩu sân bay quốc tế Tân Sơn Nhất",
               "Tan Son Nhat International Airport Border Gate"),
              ("Chuyển phát nhanh", "Express Delivery"),
              ("Khu chế xuất Tân Thuận", "Tan Thuan Export Processing Zone"),
              ("Khu chế xuất Linh Trung", "Linh Trung Export Processing Zone"),
              ("quản lý hàng đầu tư", "Investment Goods"),
              ("cửa khẩu cảng Hiệp Phước", "Hiep Phuoc Port Border Gate"),
          ]),
    _prov("HQHP", True, "Hải Phòng", "Hai Phong", 60, False,
          ["Hải Phòng", "Hải Dương", "Hưng Yên", "Thái Bình"], [
              ("cửa khẩu cảng Hải Phòng khu vực I", "Hai Phong Port Area I Border Gate"),
              ("cửa khẩu cảng Hải Phòng khu vực II", "Hai Phong Port Area II Border Gate"),
              ("cửa khẩu cảng Hải Phòng khu vực III", "Hai Phong Port Area III Border Gate"),
              ("cửa khẩu cảng Đình Vũ", "Dinh Vu Port Border Gate"),
              ("Khu chế xuất và Khu công nghiệp", "Export Processing and Industrial Zones"),
              ("Hải Dương", "Hai Duong"),
              ("Hưng Yên", "Hung Yen"),
              ("Thái Bình", "Thai Binh"),
          ]),
    _prov("HQQN", False, "Quảng Ninh", "Quang Ninh", 45, False, ["Quảng Ninh"], [
        ("cửa khẩu quốc tế Móng Cái", "Mong Cai International Border Gate"),
        ("cửa khẩu cảng Cái Lân", "Cai Lan Port Border Gate"),
        ("cửa khẩu cảng Hòn Gai", "Hon Gai Port Border Gate"),
        ("cửa khẩu Bắc Phong Sinh", "Bac Phong Sinh Border Gate"),
        ("cửa khẩu Hoành Mô", "Hoanh Mo Border Gate"),
        ("cửa khẩu cảng Cẩm Phả", "Cam Pha Port Border Gate"),
    ]),
    _prov("HQLS", False, "Lạng Sơn", "Lang Son", 30, False, ["Lạng Sơn"], [
        ("cửa khẩu quốc tế Hữu Nghị", "Huu Nghi International Border Gate"),
        ("cửa khẩu Tân Thanh", "Tan Thanh Border Gate"),
        ("cửa khẩu Chi Ma", "Chi Ma Border Gate"),
        ("ga đường sắt quốc tế Đồng Đăng", "Dong Dang International Railway Station"),
        ("cửa khẩu Cốc Nam", "Coc Nam Border Gate"),
    ]),
    _prov("HQCB", False, "Cao Bằng", "Cao Bang", 14, False, ["Cao Bằng", "Bắc Kạn"], [
        ("cửa khẩu Tà Lùng", "Ta Lung Border Gate"),
        ("cửa khẩu Trà Lĩnh", "Tra Linh Border Gate"),
        ("cửa khẩu Sóc Giang", "Soc Giang Border Gate"),
        ("Bắc Kạn", "Bac Kan"),
    ]),
    _prov("HQHG", False, "Hà Giang", "Ha Giang", 12, False, ["Hà Giang", "Tuyên Quang"], [
        ("cửa khẩu quốc tế Thanh Thủy", "Thanh Thuy International Border Gate"),
        ("cửa khẩu Xín Mần", "Xin Man Border Gate"),
        ("cửa khẩu Phó Bảng", "Pho Bang Border Gate"),
        ("Tuyên Quang", "Tuyen Quang"),
    ]),
    _prov("HQLC", False, "Lào Cai", "Lao Cai", 22, False, ["Lào Cai"], [
        ("cửa khẩu quốc tế Lào Cai", "Lao Cai International Border Gate"),
        ("cửa khẩu Mường Khương", "Muong Khuong Border Gate"),
        ("cửa khẩu Bát Xát", "Bat Xat Border Gate"),
        ("ga đường sắt quốc tế Lào Cai", "Lao Cai International Railway Station"),
    ]),
    _prov("HQDB", False, "Điện Biên", "Dien Bien", 9, False,
          ["Điện Biên", "Lai Châu", "Sơn La"], [
              ("cửa khẩu quốc tế Tây Trang", "Tay Trang International Border Gate"),
              ("cửa khẩu Ma Lù Thàng", "Ma Lu Thang Border Gate"),
              ("Sơn La", "Son La"),
          ]),
    _prov("HQBN", False, "Bắc Ninh", "Bac Ninh", 25, False,
          ["Bắc Ninh", "Bắc Giang", "Thái Nguyên"], [
              ("Bắc Ninh", "Bac Ninh"),
              ("quản lý các khu công nghiệp Yên Phong", "Yen Phong Industrial Parks"),
              ("cảng nội địa Tiên Sơn", "Tien Son Inland Port"),
              ("Bắc Giang", "Bac Giang"),
              ("Thái Nguyên", "Thai Nguyen"),
          ]),
    _prov("HQHNN", False, "Hà Nam Ninh", "Ha Nam Ninh", 10, False,
          ["Hà Nam", "Nam Định", "Ninh Bình"], [
              ("Nam Định", "Nam Dinh"),
              ("Hà Nam", "Ha Nam"),
              ("Ninh Bình", "Ninh Binh"),
          ]),
    _prov("HQTH", False, "Thanh Hóa", "Thanh Hoa", 12, False, ["Thanh Hóa"], [
        ("cửa khẩu cảng Nghi Sơn", "Nghi Son Port Border Gate"),
        ("cửa khẩu quốc tế Na Mèo", "Na Meo International Border Gate"),
        ("Thanh Hóa", "Thanh Hoa"),
    ]),
    _prov("HQNA", False, "Nghệ An", "Nghe An", 14, False, ["Nghệ An"], [
        ("cửa khẩu cảng Cửa Lò", "Cua Lo Port Border Gate"),
        ("cửa khẩu quốc tế Nậm Cắn", "Nam Can International Border Gate"),
        ("Vinh", "Vinh"),
    ]),
    _prov("HQHT", False, "Hà Tĩnh", "Ha Tinh", 12, False, ["Hà Tĩnh"], [
        ("cửa khẩu cảng Vũng Áng", "Vung Ang Port Border Gate"),
        ("cửa khẩu quốc tế Cầu Treo", "Cau Treo International Border Gate"),
        ("Hồng Lĩnh", "Hong Linh"),
    ]),
    _prov("HQQB", False, "Quảng Bình", "Quang Binh", 9, False, ["Quảng Bình"], [
        ("cửa khẩu quốc tế Cha Lo", "Cha Lo International Border Gate"),
        ("cửa khẩu cảng Hòn La", "Hon La Port Border Gate"),
        ("cửa khẩu Cà Roòng", "Ca Roong Border Gate"),
    ]),
    _prov("HQQT", False, "Quảng Trị", "Quang Tri", 12, False, ["Quảng Trị"], [
        ("cửa khẩu quốc tế Lao Bảo", "Lao Bao International Border Gate"),
        ("cửa khẩu quốc tế La Lay", "La Lay International Border Gate"),
        ("cửa khẩu cảng Cửa Việt", "Cua Viet Port Border Gate"),
    ]),
    _prov("HQTTH", False, "Thừa Thiên Huế", "Thua Thien Hue", 10, False, ["Thừa Thiên Huế"], [
        ("cửa khẩu cảng Chân Mây", "Chan May Port Border Gate"),
        ("cửa khẩu A Đớt", "A Dot Border Gate"),
        ("Thủy An", "Thuy An"),
    ]),
    _prov("HQDN", True, "Đà Nẵng", "Da Nang", 25, False, ["Đà Nẵng"], [
        ("cửa khẩu cảng Đà Nẵng", "Da Nang Port Border Gate"),
        ("cửa khẩu sân bay quốc tế Đà Nẵng", "Da Nang International Airport Border Gate"),
        ("Khu công nghiệp Hòa Khánh - Liên Chiểu", "Hoa Khanh - Lien Chieu Industrial Park"),
        ("quản lý hàng đầu tư - gia công", "Investment and Processing Goods"),
    ]),
    _prov("HQQNA", False, "Quảng Nam", "Quang Nam", 11, False, ["Quảng Nam"], [
        ("cửa khẩu cảng Kỳ Hà", "Ky Ha Port Border Gate"),
        ("cửa khẩu quốc tế Nam Giang", "Nam Giang International Border Gate"),
        ("Khu công nghiệp Điện Nam - Điện Ngọc", "Dien Nam - Dien Ngoc Industrial Park"),
    ]),
    _prov("HQQNG", False, "Quảng Ngãi", "Quang Ngai", 9, False, ["Quảng Ngãi"], [
        ("cửa khẩu cảng Dung Quất", "Dung Quat Port Border Gate"),
        ("các khu công nghiệp Quảng Ngãi", "Quang Ngai Industrial Parks"),
    ]),
    _prov("HQBDI", False, "Bình Định", "Binh Dinh", 9, False, ["Bình Định", "Phú Yên"], [
        ("cửa khẩu cảng Quy Nhơn", "Quy Nhon Port Border Gate"),
        ("Phú Yên", "Phu Yen"),
    ]),
    _prov("HQKH", False, "Khánh Hòa", "Khanh Hoa", 14, False, ["Khánh Hòa", "Ninh Thuận"], [
        ("cửa khẩu cảng Nha Trang", "Nha Trang Port Border Gate"),
        ("cửa khẩu cảng Cam Ranh", "Cam Ranh Port Border Gate"),
        ("cửa khẩu sân bay quốc tế Cam Ranh", "Cam Ranh International Airport Border Gate"),
        ("Ninh Thuận", "Ninh Thuan"),
    ]),
    _prov("HQDL", False, "Đắk Lắk", "Dak Lak", 8, False,
          ["Đắk Lắk", "Đắk Nông", "Lâm Đồng"], [
              ("Buôn Ma Thuột", "Buon Ma Thuot"),
              ("cửa khẩu Buprăng", "Buprang Border Gate"),
              ("Đà Lạt", "Da Lat"),
          ]),
    _prov("HQGLKT", False, "Gia Lai - Kon Tum", "Gia Lai - Kon Tum", 9, False,
          ["Gia Lai", "Kon Tum"], [
              ("cửa khẩu quốc tế Lệ Thanh", "Le Thanh International Border Gate"),
              ("cửa khẩu quốc tế Bờ Y", "Bo Y International Border Gate"),
              ("Kon Tum", "Kon Tum"),
          ]),
    _prov("HQDNA", False, "Đồng Nai", "Dong Nai", 40, True, ["Đồng Nai", "Bình Thuận"], [
        ("Biên Hòa", "Bien Hoa"),
        ("Long Thành", "Long Thanh"),
        ("Nhơn Trạch", "Nhon Trach"),
        ("Thống Nhất", "Thong Nhat"),
        ("Khu chế xuất Long Bình", "Long Binh Export Processing Zone"),
        ("Long Bình Tân", "Long Binh Tan"),
        ("Bình Thuận", "Binh Thuan"),
    ]),
    _prov("HQBD", False, "Bình Dương", "Binh Duong", 40, True, ["Bình Dương"], [
        ("Sóng Thần", "Song Than"),
        ("Khu công nghiệp Việt Nam - Singapore", "Vietnam - Singapore Industrial Park"),
        ("Khu công nghiệp Mỹ Phước", "My Phuoc Industrial Park"),
        ("quản lý hàng xuất nhập khẩu ngoài khu công nghiệp",
         "Import-Export Goods outside Industrial Parks"),
        ("cảng tổng hợp Bình Dương", "Binh Duong General Port"),
    ]),
    _prov("HQBP", False, "Bình Phước", "Binh Phuoc", 10, True, ["Bình Phước"], [
        ("cửa khẩu quốc tế Hoa Lư", "Hoa Lu International Border Gate"),
        ("cửa khẩu Hoàng Diệu", "Hoang Dieu Border Gate"),
        ("Chơn Thành", "Chon Thanh"),
    ]),
    _prov("HQTN", False, "Tây Ninh", "Tay Ninh", 15, True, ["Tây Ninh"], [
        ("cửa khẩu quốc tế Mộc Bài", "Moc Bai International Border Gate"),
        ("cửa khẩu quốc tế Xa Mát", "Xa Mat International Border Gate"),
        ("Khu công nghiệp Trảng Bàng", "Trang Bang Industrial Park"),
    ]),
    _prov("HQBRVT", False, "Bà Rịa - Vũng Tàu", "Ba Ria - Vung Tau", 28, True,
          ["Bà Rịa - Vũng Tàu"], [
              ("cửa khẩu cảng Cái Mép", "Cai Mep Port Border Gate"),
              ("cửa khẩu cảng Phú Mỹ", "Phu My Port Border Gate"),
              ("cửa khẩu cảng Cát Lở", "Cat Lo Port Border Gate"),
              ("Côn Đảo", "Con Dao"),
          ]),
    _prov("HQLA", False, "Long An", "Long An", 16, True, ["Long An", "Tiền Giang", "Bến Tre"], [
        ("cửa khẩu cảng Long An", "Long An Port Border Gate"),
        ("Đức Hòa", "Duc Hoa"),
        ("cửa khẩu quốc tế Bình Hiệp", "Binh Hiep International Border Gate"),
        ("Mỹ Tho", "My Tho"),
    ]),
    _prov("HQDT", False, "Đồng Tháp", "Dong Thap", 9, True, ["Đồng Tháp"], [
        ("cửa khẩu quốc tế Thường Phước", "Thuong Phuoc International Border Gate"),
        ("cửa khẩu quốc tế Dinh Bà", "Dinh Ba International Border Gate"),
        ("Sa Đéc", "Sa Dec"),
    ]),
    _prov("HQAG", False, "An Giang", "An Giang", 14, True, ["An Giang"], [
        ("cửa khẩu quốc tế Tịnh Biên", "Tinh Bien International Border Gate"),
        ("cửa khẩu quốc tế Vĩnh Xương", "Vinh Xuong International Border Gate"),
        ("cửa khẩu Khánh Bình", "Khanh Binh Border Gate"),
        ("cửa khẩu Vĩnh Hội Đông", "Vinh Hoi Dong Border Gate"),
    ]),
    _prov("HQCT", True, "Cần Thơ", "Can Tho", 14, True,
          ["Cần Thơ", "Vĩnh Long", "Sóc Trăng", "Hậu Giang", "Trà Vinh"], [
              ("cửa khẩu cảng Cần Thơ", "Can Tho Port Border Gate"),
              ("Tây Đô", "Tay Do"),
              ("Vĩnh Long", "Vinh Long"),
              ("Sóc Trăng", "Soc Trang"),
          ]),
    _prov("HQCM", False, "Cà Mau", "Ca Mau", 8, True, ["Cà Mau", "Bạc Liêu"], [
        ("Cà Mau", "Ca Mau"),
        ("cửa khẩu cảng Năm Căn", "Nam Can Port Border Gate"),
    ]),
    _prov("HQKG", False, "Kiên Giang", "Kien Giang", 12, True, ["Kiên Giang"], [
        ("cửa khẩu quốc tế Hà Tiên", "Ha Tien International Border Gate"),
        ("cửa khẩu cảng Hòn Chông", "Hon Chong Port Border Gate"),
        ("Phú Quốc", "Phu Quoc"),
    ]),
]

#: The 20 regional branches: provincial departments absorbed, the seat first.
BRANCHES = [
    ["HQHN"],
    ["HQHCM"],
    ["HQHP"],
    ["HQBN"],
    ["HQTH", "HQHNN"],
    ["HQNA", "HQHT"],
    ["HQLS", "HQCB"],
    ["HQQN"],
    ["HQLC", "HQHG", "HQDB"],
    ["HQTTH", "HQQT", "HQQB"],
    ["HQDN", "HQQNA"],
    ["HQBDI", "HQQNG"],
    ["HQKH"],
    ["HQGLKT", "HQDL"],
    ["HQDNA", "HQBP"],
    ["HQBD"],
    ["HQBRVT"],
    ["HQLA", "HQTN"],
    ["HQCT", "HQCM"],
    ["HQAG", "HQDT", "HQKG"],
]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]


def branch_code(index: int) -> str:
    """``KV01`` … ``KV20`` for the branch at ``index`` (0-based)."""
    return f"KV{index + 1:02d}"


def branch_names(index: int) -> tuple[str, str]:
    return (f"Chi cục Hải quan khu vực {ROMAN[index]}", f"Regional Customs Branch {ROMAN[index]}")


#: The adjustment of 1 July 2025 (decided in June, with the merger of provinces): former
#: sub-departments that move to another branch, ``(unit code, new branch code, note)``.
ADJUSTMENTS = [
    ("HQDNA-07", "KV14",
     "Điều chỉnh địa bàn: Bình Thuận hợp nhất vào tỉnh Lâm Đồng từ 01/07/2025."),
    ("HQBDI-02", "KV14",
     "Điều chỉnh địa bàn: Phú Yên hợp nhất vào tỉnh Đắk Lắk từ 01/07/2025."),
]
