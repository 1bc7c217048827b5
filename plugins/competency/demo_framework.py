"""Demo data: the published framework "Khung năng lực công chức Hải quan" and the position
profiles of every demo job position.

The framework has the general competencies (``CHUNG``) and one node per professional field of
the demo organisation (``lms_core/demo/organisation_data.py`` FIELDS), each with its
competencies. Every code the shipped courses declare (``content/*/course.yaml``) is here, named
after what the courses teach. Each competency has three levels with observable criteria:
1 *Cơ bản* (does it with guidance), 2 *Thành thạo* (does it alone, in the usual cases),
3 *Chuyên sâu* (handles the complex cases, guides others, improves the rules).

It is demo data, plausible rather than an official framework of Vietnam Customs.
"""

from __future__ import annotations

from plugins.competency import frameworks as F
from plugins.competency import profiles

CODE = "KNL-HQ"
NAME = ("Khung năng lực công chức Hải quan", "Competency framework for customs officers")
DESCRIPTION = (
    "Khung năng lực theo vị trí việc làm của công chức Hải quan: năng lực chung và năng lực "
    "chuyên môn của từng lĩnh vực nghiệp vụ. Mỗi năng lực có 3 cấp độ với tiêu chí quan sát "
    "được, làm căn cứ đánh giá, đào tạo, bồi dưỡng và bố trí công chức đúng người, đúng việc.",
    "The job-position competency framework of customs officers: general competencies and the "
    "professional competencies of each field. Each competency has 3 levels with observable "
    "criteria, the basis for assessing, training and placing officers: the right person for "
    "the right job.",
)

#: Top nodes: ``(code, kind, name_vi, name_en, description_vi, description_en)``. Field nodes
#: stand for the professional field of the same code.
TOP = [
    ("CHUNG", "group", "Năng lực chung", "General competencies",
     "Năng lực mọi công chức Hải quan cần có, không phụ thuộc lĩnh vực nghiệp vụ.",
     "Competencies every customs officer needs, whatever the field."),
    ("GSQL", "field", "Giám sát quản lý về hải quan", "Customs supervision and control",
     "Thủ tục hải quan, kiểm tra, giám sát hàng hoá, phương tiện và các loại hình quản lý.",
     "Customs procedures, inspection and supervision of goods and means of transport, and "
     "the special procedure types."),
    ("THUE", "field", "Thuế xuất nhập khẩu", "Import-export tax",
     "Trị giá, mã số, xuất xứ và quản lý thu thuế đối với hàng hoá xuất khẩu, nhập khẩu.",
     "Valuation, classification, origin and the collection of duties on exports and imports."),
    ("KTSTQ", "field", "Kiểm tra sau thông quan", "Post-clearance audit",
     "Kiểm tra hồ sơ, sổ sách, chứng từ và hàng hoá sau khi đã thông quan.",
     "Audit of records, books, documents and goods after clearance."),
    ("DTCBL", "field", "Điều tra chống buôn lậu", "Anti-smuggling investigation",
     "Kiểm soát hải quan, trinh sát, phòng chống buôn lậu, gian lận thương mại và ma tuý.",
     "Customs enforcement, intelligence, and the fight against smuggling, commercial fraud "
     "and drugs."),
    ("QLRR", "field", "Quản lý rủi ro", "Risk management",
     "Thu thập, xử lý thông tin, phân tích rủi ro, phân luồng và đánh giá tuân thủ.",
     "Information collection and processing, risk analysis, selectivity and compliance "
     "assessment."),
    ("XLVP", "field", "Xử lý vi phạm", "Handling of violations",
     "Xử lý vi phạm hành chính, giải quyết khiếu nại, tố cáo và công tác pháp chế.",
     "Administrative sanctions, complaints and denunciations, and legal affairs."),
    ("KDHQ", "field", "Kiểm định hải quan", "Customs verification and analysis",
     "Lấy mẫu, phân tích, kiểm định hàng hoá phục vụ phân loại và kiểm tra.",
     "Sampling, laboratory analysis and verification of goods for classification and control."),
    ("CNTT", "field", "Công nghệ thông tin và thống kê hải quan",
     "Information technology and customs statistics",
     "Hệ thống công nghệ thông tin, chuyển đổi số và thống kê nhà nước về hải quan.",
     "IT systems, digital transformation and official customs statistics."),
    ("TCCB", "field", "Tổ chức cán bộ và đào tạo", "Personnel, organisation and training",
     "Tổ chức bộ máy, quản lý công chức, đào tạo, bồi dưỡng và thi đua, khen thưởng.",
     "Organisation, civil-service management, training, and emulation and commendation."),
]

#: ``(parent, code, (name_vi, name_en), (description_vi, description_en),
#: [(level-1 criteria vi, en), (level 2), (level 3)])``.
COMPETENCIES = [
    # -- general ---------------------------------------------------------------------------
    ("CHUNG", "CHUNG.01", ("Pháp luật hải quan", "Customs law"), (
        "Hiểu và áp dụng Luật Hải quan, các nghị định, thông tư hướng dẫn và pháp luật có liên "
        "quan (thuế, quản lý ngoại thương, xử lý vi phạm hành chính) trong công việc được giao.",
        "Understands and applies the Customs Law, its implementing decrees and circulars and "
        "related law (tax, foreign-trade management, administrative sanctions) in the work "
        "assigned."), [
        ("Nêu được phạm vi điều chỉnh, nguyên tắc tiến hành thủ tục hải quan, quyền và nghĩa "
         "vụ của người khai hải quan và công chức hải quan; tra cứu đúng văn bản đang có hiệu "
         "lực khi được hướng dẫn.",
         "States the scope of the Customs Law, the principles of customs procedures and the "
         "rights and duties of declarants and officers; finds the legal text in force when "
         "guided."),
        ("Áp dụng đúng quy định vào các tình huống thường gặp trong lĩnh vực phụ trách mà không "
         "cần hướng dẫn; trích dẫn chính xác điều, khoản làm căn cứ khi đề xuất xử lý hồ sơ.",
         "Applies the rules correctly to the common cases of own field without guidance; cites "
         "the exact article and clause when proposing how to handle a file."),
        ("Giải quyết vụ việc phức tạp, chưa có tiền lệ hoặc có quy định chồng chéo; góp ý dự "
         "thảo văn bản quy phạm pháp luật; hướng dẫn, giải đáp vướng mắc cho đồng nghiệp và "
         "doanh nghiệp.",
         "Resolves complex or unprecedented cases and conflicting rules; comments on draft "
         "legislation; guides colleagues and answers companies' questions."),
    ]),
    ("CHUNG", "CHUNG.02", ("Kỹ năng số, văn hoá số", "Digital skills and culture"), (
        "Sử dụng các hệ thống công nghệ thông tin của ngành, văn bản điện tử và chữ ký số; tuân "
        "thủ quy định an toàn thông tin; chủ động học tập trên môi trường số.",
        "Uses the Customs IT systems, electronic documents and digital signatures; follows the "
        "information-security rules; learns actively in the digital environment."), [
        ("Sử dụng được thư điện tử công vụ, hệ thống quản lý văn bản và điều hành, chữ ký số; "
         "đặt mật khẩu mạnh, nhận biết thư lừa đảo và báo cáo sự cố an toàn thông tin.",
         "Uses official e-mail, the document management system and digital signatures; sets "
         "strong passwords, recognises phishing and reports security incidents."),
        ("Khai thác thành thạo các hệ thống nghiệp vụ của vị trí (VNACCS/VCIS, E-Customs, hệ "
         "thống quản lý rủi ro...), xử lý hồ sơ hoàn toàn trên môi trường điện tử; phối hợp, "
         "họp trực tuyến hiệu quả.",
         "Works fluently in the business systems of own job (VNACCS/VCIS, e-Customs, risk "
         "management systems…) and handles files fully electronically; collaborates and meets "
         "online effectively."),
        ("Đề xuất số hoá quy trình, cải tiến cách làm việc trên môi trường số của đơn vị; "
         "hướng dẫn đồng nghiệp; là đầu mối chuyển đổi số hoặc an toàn thông tin của đơn vị.",
         "Proposes digitised processes and better digital ways of working in the unit; coaches "
         "colleagues; acts as the unit's digital-transformation or security focal point."),
    ]),
    ("CHUNG", "CHUNG.03", ("Phân tích dữ liệu", "Data analysis"), (
        "Thu thập, làm sạch, tổng hợp và phân tích dữ liệu nghiệp vụ (tờ khai, kim ngạch, thu "
        "ngân sách, vi phạm) để phát hiện dấu hiệu bất thường và hỗ trợ ra quyết định.",
        "Collects, cleans, summarises and analyses operational data (declarations, trade "
        "values, revenue, violations) to spot anomalies and support decisions."), [
        ("Trích xuất dữ liệu theo mẫu có sẵn, lập bảng tính với lọc, sắp xếp, bảng tổng hợp; "
         "tính và đọc đúng trung bình, trung vị, tỷ lệ; tuân thủ quy định bảo mật dữ liệu.",
         "Extracts data with existing queries and builds spreadsheets with filters, sorting and "
         "pivot tables; computes and reads means, medians and ratios correctly; follows the "
         "data-confidentiality rules."),
        ("Tự xây dựng tiêu chí trích xuất, kết hợp nhiều nguồn dữ liệu; phát hiện giá trị ngoại "
         "lai (ví dụ đơn giá khai báo thấp bất thường); trình bày kết quả bằng biểu đồ và báo "
         "cáo phân tích có kết luận.",
         "Designs own extraction criteria and combines several data sources; detects outliers "
         "(e.g. abnormally low declared unit prices); presents results in charts and an "
         "analytical report with conclusions."),
        ("Xây dựng chỉ số, bảng điều khiển và mô hình phân tích phục vụ quản lý rủi ro, chống "
         "thất thu; đánh giá chất lượng dữ liệu và đề xuất cải tiến; hướng dẫn đồng nghiệp.",
         "Builds indicators, dashboards and analytical models for risk management and revenue "
         "protection; assesses data quality and proposes improvements; coaches colleagues."),
    ]),
    ("CHUNG", "CHUNG.04", ("Tiếng Anh chuyên ngành hải quan", "English for customs"), (
        "Sử dụng tiếng Anh để đọc chứng từ thương mại, giao tiếp với hành khách, doanh nghiệp "
        "và cơ quan hải quan nước ngoài.",
        "Uses English to read trade documents and to communicate with travellers, companies "
        "and foreign customs administrations."), [
        ("Hiểu thuật ngữ cơ bản trên hoá đơn thương mại, vận đơn, phiếu đóng gói; thực hiện "
         "được hội thoại đơn giản với hành khách tại cửa khẩu.",
         "Understands the basic terms of commercial invoices, bills of lading and packing "
         "lists; holds simple conversations with travellers at the border."),
        ("Đọc hiểu hợp đồng, chứng từ và tài liệu nghiệp vụ của WCO; viết thư điện tử công vụ "
         "bằng tiếng Anh đúng văn phong; trao đổi trôi chảy về thủ tục với doanh nghiệp nước "
         "ngoài.",
         "Reads contracts, documents and WCO technical material; writes formal e-mails in "
         "English; discusses procedures fluently with foreign companies."),
        ("Tham gia đàm phán, hội nghị, hội thảo quốc tế; dịch và biên tập tài liệu chuyên "
         "ngành; trao đổi thông tin, yêu cầu xác minh với cơ quan hải quan nước ngoài.",
         "Takes part in international negotiations, meetings and workshops; translates and "
         "edits technical documents; exchanges information and verification requests with "
         "foreign customs administrations."),
    ]),
    ("CHUNG", "CHUNG.05", ("Đạo đức công vụ, liêm chính", "Public-service ethics and integrity"), (
        "Thực hiện nghiêm quy tắc ứng xử của công chức Hải quan, phòng ngừa tham nhũng, tiêu "
        "cực; giữ bí mật nhà nước và bí mật kinh doanh của doanh nghiệp.",
        "Follows the customs officers' code of conduct, prevents corruption and misconduct, "
        "and keeps state secrets and companies' business secrets."), [
        ("Nêu được quy tắc ứng xử, những việc công chức không được làm và nghĩa vụ kê khai, "
         "báo cáo; thực hiện đúng trong công việc hằng ngày.",
         "States the code of conduct, what officers must not do and the duties to declare and "
         "report; follows them in daily work."),
        ("Nhận diện và xử lý đúng tình huống xung đột lợi ích, quà tặng, đề nghị không chính "
         "đáng; công khai, minh bạch khi giải quyết công việc với doanh nghiệp.",
         "Recognises and handles conflicts of interest, gifts and improper requests correctly; "
         "deals with companies openly and transparently."),
        ("Nêu gương và hướng dẫn đồng nghiệp; xây dựng, kiểm tra biện pháp phòng ngừa tiêu cực "
         "trong đơn vị; phát hiện và kiến nghị xử lý sai phạm.",
         "Sets the example and guides colleagues; designs and checks measures against "
         "misconduct in the unit; detects wrongdoing and reports it for action."),
    ]),
    ("CHUNG", "CHUNG.06", ("Lãnh đạo, quản lý", "Leadership and management"), (
        "Lập kế hoạch, tổ chức thực hiện, phân công, kiểm tra và đánh giá công việc; phát "
        "triển đội ngũ và dẫn dắt đơn vị hoàn thành nhiệm vụ.",
        "Plans, organises, assigns, checks and evaluates work; develops staff and leads the "
        "unit to accomplish its tasks."), [
        ("Lập kế hoạch công tác của nhóm, phân công rõ người, rõ việc, rõ thời hạn; theo dõi "
         "tiến độ và báo cáo kịp thời.",
         "Plans the team's work with clear owners, tasks and deadlines; monitors progress and "
         "reports on time."),
        ("Tổ chức thực hiện nhiệm vụ của đơn vị, phối hợp với các đơn vị liên quan; đánh giá "
         "công chức khách quan theo kết quả; kèm cặp công chức trẻ; xử lý tình huống phát sinh.",
         "Runs the unit's tasks and coordinates with related units; evaluates staff "
         "objectively on results; mentors junior officers; handles emerging situations."),
        ("Định hướng chiến lược, đổi mới phương thức quản lý; quyết định và chịu trách nhiệm "
         "trong tình huống phức tạp; xây dựng văn hoá học tập và phát triển cán bộ kế cận.",
         "Sets strategic direction and renews management methods; takes and owns decisions in "
         "complex situations; builds a learning culture and develops successors."),
    ]),
    ("CHUNG", "CHUNG.07", ("Giao tiếp, phối hợp và hỗ trợ người khai hải quan",
                           "Communication, cooperation and service to declarants"), (
        "Giao tiếp rõ ràng, đúng mực với doanh nghiệp, người dân và đồng nghiệp; phối hợp với "
        "các lực lượng tại cửa khẩu; hướng dẫn, giải đáp vướng mắc.",
        "Communicates clearly and courteously with companies, citizens and colleagues; "
        "cooperates with the other agencies at the border; guides and answers questions."), [
        ("Tiếp nhận, hướng dẫn người khai hải quan đúng quy trình, văn minh, lịch sự; ghi nhận "
         "và chuyển đúng nơi các kiến nghị.",
         "Receives and guides declarants by the procedure, courteously; records requests and "
         "passes them to the right place."),
        ("Giải đáp vướng mắc của doanh nghiệp trực tiếp hoặc bằng văn bản, có căn cứ; phối hợp "
         "hiệu quả với biên phòng, cảng vụ, cơ quan kiểm tra chuyên ngành.",
         "Answers companies' questions in person or in writing, with legal grounds; cooperates "
         "effectively with the border guard, the port authority and specialised inspection "
         "agencies."),
        ("Tổ chức đối thoại doanh nghiệp, xây dựng quan hệ đối tác Hải quan – doanh nghiệp; "
         "xử lý phản ánh, kiến nghị phức tạp; đại diện đơn vị làm việc với các cơ quan.",
         "Organises dialogues and customs–business partnerships; handles complex feedback and "
         "requests; represents the unit with other agencies."),
    ]),
    # -- customs supervision and control ---------------------------------------------------------
    ("GSQL", "GSQL.01", ("Thủ tục hải quan điện tử", "Electronic customs procedures"), (
        "Tiếp nhận, kiểm tra, xử lý tờ khai hải quan điện tử trên Hệ thống VNACCS/VCIS theo kết "
        "quả phân luồng; thực hiện Cơ chế một cửa quốc gia, Cơ chế một cửa ASEAN.",
        "Receives, checks and processes electronic declarations in VNACCS/VCIS according to "
        "the channel selected; operates the National and ASEAN Single Windows."), [
        ("Thực hiện đúng trình tự tiếp nhận, kiểm tra hồ sơ tờ khai luồng xanh, luồng vàng trên "
         "hệ thống; nhận biết lỗi khai báo thường gặp và hướng dẫn doanh nghiệp sửa.",
         "Follows the procedure to receive and check green- and yellow-channel declarations in "
         "the system; recognises common declaration errors and explains how to correct them."),
        ("Xử lý độc lập các loại hình phổ biến (kinh doanh, gia công, tạm nhập tái xuất...), "
         "khai bổ sung, huỷ tờ khai; phát hiện sai lệch giữa chứng từ và nội dung khai báo.",
         "Independently handles the common procedure types (trade, processing, temporary "
         "import for re-export…), amendments and cancellations; detects discrepancies between "
         "documents and the declaration."),
        ("Giải quyết các trường hợp vướng mắc, phức tạp về thủ tục; hướng dẫn nghiệp vụ cho "
         "công chức khác; đề xuất sửa đổi quy trình và chỉ tiêu thông tin trên hệ thống.",
         "Resolves complex procedural cases; coaches other officers; proposes changes to the "
         "procedure and to the system's data elements."),
    ]),
    ("GSQL", "GSQL.02", ("Kiểm tra, giám sát hàng hoá", "Inspection and supervision of goods"), (
        "Kiểm tra thực tế hàng hoá, giám sát hàng hoá tại cửa khẩu, kho, bãi, cảng; sử dụng "
        "máy soi, seal định vị và camera giám sát.",
        "Physically inspects goods and supervises them at border gates, warehouses, yards and "
        "ports, using scanners, electronic seals and surveillance cameras."), [
        ("Kiểm tra thực tế theo chỉ dẫn, ghi nhận kết quả đúng mẫu; giám sát việc xếp dỡ, vận "
         "chuyển hàng hoá theo quy trình.",
         "Inspects goods as instructed and records the result on the proper form; supervises "
         "loading, unloading and transport of goods by the procedure."),
        ("Xác định mức độ, phương pháp kiểm tra phù hợp; đọc và phân tích ảnh máy soi "
         "container; phát hiện dấu hiệu cất giấu, khai sai tên hàng, số lượng.",
         "Chooses the extent and method of inspection; reads and analyses container scanner "
         "images; detects concealment and misdeclared goods or quantities."),
        ("Chỉ đạo kiểm tra lô hàng trọng điểm, rủi ro cao; đánh giá hiệu quả giám sát trên địa "
         "bàn và đề xuất bố trí thiết bị, lực lượng; hướng dẫn kỹ năng phân tích ảnh soi.",
         "Directs inspection of high-risk consignments; evaluates supervision in the area and "
         "proposes how to deploy equipment and staff; teaches scanner-image analysis."),
    ]),
    ("GSQL", "GSQL.03", ("Quản lý hàng gia công, sản xuất xuất khẩu, chế xuất",
                         "Processing, export production and export-processing zones"), (
        "Quản lý, kiểm tra cơ sở sản xuất, định mức, nguyên liệu, vật tư và báo cáo quyết toán "
        "của loại hình gia công, sản xuất xuất khẩu và doanh nghiệp chế xuất.",
        "Manages and checks production facilities, consumption norms, materials and "
        "settlement reports for processing, export production and export-processing "
        "enterprises."), [
        ("Tiếp nhận thông báo cơ sở sản xuất, hợp đồng gia công, định mức; đối chiếu số liệu "
         "xuất nhập khẩu nguyên liệu, sản phẩm theo hướng dẫn.",
         "Receives notifications of facilities, processing contracts and norms; reconciles "
         "import and export figures of materials and products as instructed."),
        ("Kiểm tra báo cáo quyết toán, tình hình sử dụng và tồn kho nguyên liệu; phát hiện "
         "chênh lệch định mức, nguyên liệu dư thừa chưa xử lý.",
         "Checks settlement reports, use and stock of materials; detects deviations from the "
         "norms and surplus materials not dealt with."),
        ("Chủ trì kiểm tra cơ sở sản xuất, năng lực sản xuất và tình hình sử dụng nguyên liệu "
         "tại doanh nghiệp; kết luận, đề xuất xử lý; hướng dẫn chính sách cho doanh nghiệp.",
         "Leads on-site checks of facilities, production capacity and material use; concludes "
         "and proposes action; advises companies on the policy."),
    ]),
    ("GSQL", "GSQL.04", ("Quản lý kho ngoại quan, địa điểm và hàng quá cảnh",
                         "Bonded warehouses, customs locations and goods in transit"), (
        "Quản lý hoạt động của kho ngoại quan, kho CFS, địa điểm kiểm tra tập trung; giám sát "
        "hàng hoá quá cảnh, chuyển cửa khẩu.",
        "Manages bonded warehouses, CFS and inspection locations; supervises goods in transit "
        "and moved between border gates."), [
        ("Theo dõi hàng hoá đưa vào, đưa ra kho, bãi trên hệ thống; kiểm tra niêm phong hải "
         "quan và thời hạn vận chuyển hàng quá cảnh.",
         "Tracks goods entering and leaving warehouses and yards in the system; checks customs "
         "seals and transit time limits."),
        ("Kiểm tra điều kiện hoạt động của kho, bãi; phát hiện hàng tồn đọng, quá thời hạn lưu "
         "giữ; xử lý hàng quá cảnh không đến đích đúng hạn.",
         "Checks the operating conditions of warehouses and yards; detects goods left beyond "
         "storage limits; deals with transit goods that do not arrive on time."),
        ("Thẩm định hồ sơ công nhận kho, bãi, địa điểm; đánh giá rủi ro của doanh nghiệp kinh "
         "doanh kho bãi và đề xuất biện pháp quản lý.",
         "Assesses applications to approve warehouses, yards and locations; evaluates the risk "
         "of warehouse operators and proposes control measures."),
    ]),
    # -- import-export tax -----------------------------------------------------------------------
    ("THUE", "THUE.01", ("Xác định trị giá hải quan", "Customs valuation"), (
        "Kiểm tra, tham vấn và xác định trị giá hải quan theo Hiệp định trị giá hải quan của "
        "WTO và pháp luật Việt Nam.",
        "Checks, consults on and determines customs value under the WTO Valuation Agreement "
        "and Vietnamese law."), [
        ("Nêu được sáu phương pháp xác định trị giá và trình tự áp dụng; kiểm tra các khoản "
         "điều chỉnh cộng, điều chỉnh trừ trên tờ khai theo hướng dẫn.",
         "States the six valuation methods and their order; checks the additions and "
         "deductions on the declaration as instructed."),
        ("Xác định đúng trị giá theo phương pháp trị giá giao dịch và các phương pháp thay thế; "
         "nhận diện giao dịch giữa các bên có mối quan hệ đặc biệt; dùng cơ sở dữ liệu giá để "
         "phát hiện khai thấp trị giá.",
         "Determines value correctly by the transaction method and the fallback methods; "
         "identifies related-party transactions; uses the price database to detect "
         "undervaluation."),
        ("Chủ trì tham vấn, bác bỏ trị giá khai báo có căn cứ; xử lý giao dịch phức tạp (phí "
         "bản quyền, chuyển giá); xây dựng danh mục hàng hoá rủi ro về trị giá.",
         "Leads value consultations and rejects declared values with grounds; handles complex "
         "transactions (royalties, transfer pricing); builds the list of valuation-risk goods."),
    ]),
    ("THUE", "THUE.02", ("Phân loại hàng hoá, áp mã HS", "Tariff classification"), (
        "Phân loại hàng hoá theo Danh mục hàng hoá xuất khẩu, nhập khẩu Việt Nam và sáu Quy "
        "tắc tổng quát giải thích Hệ thống hài hoà (HS).",
        "Classifies goods in Vietnam's import–export nomenclature with the six General "
        "Interpretative Rules of the Harmonized System."), [
        ("Đọc hiểu cấu trúc phần, chương, nhóm, phân nhóm; áp dụng Quy tắc 1 và 6 cho hàng hoá "
         "thông dụng; tra cứu chú giải và biểu thuế.",
         "Reads the structure of sections, chapters, headings and subheadings; applies rules 1 "
         "and 6 to common goods; looks up the notes and the tariff."),
        ("Áp dụng đủ sáu quy tắc cho hàng nhiều thành phần, bộ hàng, máy móc tháo rời; kiểm tra "
         "và bác bỏ mã số khai sai; sử dụng kết quả phân tích của cơ quan kiểm định.",
         "Applies all six rules to composite goods, sets and unassembled machines; checks and "
         "rejects wrong codes; uses the laboratory's analysis results."),
        ("Xử lý hồ sơ xác định trước mã số và tranh chấp phân loại; đề xuất bổ sung chú giải, "
         "sửa đổi danh mục; đào tạo phân loại cho công chức.",
         "Handles advance classification rulings and disputes; proposes amendments to the "
         "notes and the nomenclature; trains officers in classification."),
    ]),
    ("THUE", "THUE.03", ("Xuất xứ hàng hoá", "Rules of origin"), (
        "Kiểm tra chứng từ chứng nhận xuất xứ, xác định xuất xứ hàng hoá theo các hiệp định "
        "thương mại tự do để áp dụng thuế suất ưu đãi đặc biệt.",
        "Checks proofs of origin and determines origin under free-trade agreements to grant "
        "preferential duty rates."), [
        ("Nhận biết các mẫu C/O và hình thức tự chứng nhận xuất xứ; kiểm tra tính hợp lệ về "
         "hình thức, thời hạn của chứng từ theo hướng dẫn.",
         "Recognises the certificate-of-origin forms and self-certification; checks the form "
         "and validity of proofs as instructed."),
        ("Áp dụng tiêu chí xuất xứ (xuất xứ thuần tuý, hàm lượng giá trị khu vực, chuyển đổi mã "
         "số) của các FTA chủ yếu; phát hiện dấu hiệu gian lận xuất xứ, chuyển tải bất hợp pháp.",
         "Applies the origin criteria (wholly obtained, regional value content, change of "
         "tariff classification) of the main FTAs; detects signs of origin fraud and illegal "
         "transhipment."),
        ("Đề nghị và xử lý kết quả xác minh xuất xứ với cơ quan nước ngoài; xác định trước xuất "
         "xứ; hướng dẫn doanh nghiệp và đồng nghiệp về quy tắc xuất xứ.",
         "Requests and follows up origin verification with foreign authorities; issues advance "
         "origin rulings; advises companies and colleagues on rules of origin."),
    ]),
    ("THUE", "THUE.04", ("Quản lý thu nộp, nợ thuế, miễn, giảm, hoàn thuế",
                         "Duty collection, debts, exemption and refund"), (
        "Theo dõi thu nộp, quản lý nợ thuế và cưỡng chế; xử lý hồ sơ miễn, giảm, hoàn thuế, "
        "không thu thuế; kế toán thuế xuất nhập khẩu.",
        "Monitors collection, manages tax debts and enforcement; handles exemption, reduction, "
        "refund and non-collection files; keeps the import–export tax accounts."), [
        ("Theo dõi, đối chiếu số thuế phải nộp, đã nộp trên hệ thống kế toán thuế; tiếp nhận, "
         "kiểm tra thành phần hồ sơ miễn, hoàn thuế.",
         "Tracks and reconciles duties due and paid in the tax accounting system; checks that "
         "exemption and refund files are complete."),
        ("Phân loại nợ, đôn đốc thu hồi và áp dụng biện pháp cưỡng chế đúng quy định; thẩm định "
         "hồ sơ miễn, hoàn thuế và xác định đúng số tiền.",
         "Classifies debts, pursues collection and applies enforcement lawfully; examines "
         "exemption and refund files and determines the correct amounts."),
        ("Xử lý các trường hợp hoàn thuế, xoá nợ phức tạp; phân tích, dự báo nguồn thu và đề "
         "xuất giải pháp chống thất thu; kiểm tra sau hoàn thuế.",
         "Handles complex refund and debt write-off cases; analyses and forecasts revenue and "
         "proposes measures against revenue loss; checks refunds afterwards."),
    ]),
    # -- post-clearance audit ---------------------------------------------------------------------
    ("KTSTQ", "KTSTQ.01", ("Kiểm tra sau thông quan", "Post-clearance audit"), (
        "Kiểm tra sau thông quan tại trụ sở cơ quan hải quan và tại trụ sở người khai hải quan "
        "theo quy trình: quyết định, tiến hành, kết luận, xử lý.",
        "Conducts post-clearance audits at the customs office and at the declarant's premises: "
        "decision, conduct, conclusion, follow-up."), [
        ("Nêu được căn cứ, thời hạn (05 năm kể từ ngày đăng ký tờ khai) và các bước của quy "
         "trình; chuẩn bị hồ sơ và tham gia đoàn kiểm tra theo phân công.",
         "States the legal basis, the time limit (5 years from registration of the declaration) "
         "and the steps of the process; prepares the file and works in an audit team as "
         "assigned."),
        ("Độc lập kiểm tra tại trụ sở cơ quan hải quan; lập biên bản, dự thảo kết luận có căn "
         "cứ; phát hiện sai phạm điển hình về trị giá, mã số, xuất xứ, miễn thuế.",
         "Independently audits at the customs office; drafts well-founded minutes and "
         "conclusions; detects the typical errors in value, classification, origin and "
         "exemptions."),
        ("Làm trưởng đoàn kiểm tra tại trụ sở doanh nghiệp đối với vụ việc lớn, phức tạp; đánh "
         "giá tuân thủ, đề xuất xử lý, truy thu; hướng dẫn nghiệp vụ cho thành viên đoàn.",
         "Leads audit teams at company premises in large and complex cases; assesses compliance "
         "and proposes sanctions and recovery; coaches team members."),
    ]),
    ("KTSTQ", "KTSTQ.02", ("Phân tích chứng từ, sổ sách kế toán",
                           "Analysis of accounts and records"), (
        "Đọc, phân tích báo cáo tài chính, sổ sách kế toán, chứng từ thanh toán của doanh "
        "nghiệp để đối chiếu với hồ sơ hải quan.",
        "Reads and analyses companies' financial statements, books and payment records to "
        "reconcile them with customs records."), [
        ("Đọc hiểu báo cáo tài chính cơ bản và hệ thống tài khoản kế toán; đối chiếu chứng từ "
         "thanh toán với tờ khai theo hướng dẫn.",
         "Reads basic financial statements and the chart of accounts; matches payment records "
         "to declarations as instructed."),
        ("Lần theo dòng hàng, dòng tiền qua sổ sách; phát hiện khoản thanh toán ngoài hoá đơn, "
         "chi phí chưa cộng vào trị giá, chênh lệch tồn kho.",
         "Follows the flow of goods and money through the books; detects payments outside the "
         "invoice, costs missing from the customs value and stock differences."),
        ("Phân tích giao dịch liên kết, cấu trúc tài chính phức tạp; dùng kỹ thuật kiểm toán và "
         "dữ liệu điện tử để chứng minh sai phạm; hướng dẫn kỹ năng cho đồng nghiệp.",
         "Analyses related-party transactions and complex financial structures; uses audit "
         "techniques and electronic data to prove irregularities; coaches colleagues."),
    ]),
    ("KTSTQ", "KTSTQ.03", ("Thu thập, phân tích thông tin doanh nghiệp",
                           "Company information collection and analysis"), (
        "Thu thập, phân tích thông tin về doanh nghiệp và hoạt động xuất nhập khẩu để lựa chọn "
        "đối tượng kiểm tra sau thông quan.",
        "Collects and analyses information on companies and their trade to select "
        "post-clearance audit targets."), [
        ("Khai thác thông tin doanh nghiệp trên các hệ thống của ngành và nguồn công khai theo "
         "mẫu; cập nhật hồ sơ doanh nghiệp.",
         "Gathers company information from Customs systems and public sources with templates; "
         "keeps company files up to date."),
        ("Phân tích kim ngạch, loại hình, lịch sử tuân thủ để xác định dấu hiệu rủi ro; đề xuất "
         "danh sách doanh nghiệp cần kiểm tra kèm lý do.",
         "Analyses trade values, procedure types and compliance history for risk indicators; "
         "proposes a reasoned list of companies to audit."),
        ("Xây dựng tiêu chí, kế hoạch kiểm tra theo chuyên đề, ngành hàng; phối hợp thông tin "
         "với cơ quan thuế, ngân hàng; đánh giá hiệu quả lựa chọn đối tượng.",
         "Defines criteria and thematic audit plans by sector; exchanges information with the "
         "tax authorities and banks; evaluates how well targets were chosen."),
    ]),
    # -- anti-smuggling --------------------------------------------------------------------------
    ("DTCBL", "DTCBL.01", ("Kiểm soát, phòng chống buôn lậu", "Anti-smuggling control"), (
        "Tuần tra, kiểm soát địa bàn hoạt động hải quan; phát hiện, ngăn chặn, bắt giữ hành vi "
        "buôn lậu, vận chuyển trái phép hàng hoá qua biên giới.",
        "Patrols and controls the customs area; detects, prevents and seizes smuggling and the "
        "illegal cross-border transport of goods."), [
        ("Nắm được địa bàn, tuyến, phương thức buôn lậu phổ biến; tham gia tuần tra, kiểm soát "
         "và lập biên bản ban đầu đúng thủ tục.",
         "Knows the area, the routes and the common smuggling methods; takes part in patrols "
         "and draws up the initial record correctly."),
        ("Tổ chức chốt chặn, khám xét phương tiện, hàng hoá theo thẩm quyền; phát hiện thủ đoạn "
         "cất giấu; thu giữ, bảo quản tang vật và chứng cứ đúng quy định.",
         "Sets up checkpoints and searches vehicles and goods within own powers; detects "
         "concealment; seizes and preserves goods and evidence properly."),
        ("Xây dựng, chỉ đạo kế hoạch kiểm soát, đấu tranh chuyên đề; phối hợp với công an, "
         "biên phòng, quản lý thị trường; phân tích xu hướng buôn lậu, đề xuất biện pháp.",
         "Designs and directs control plans and targeted operations; coordinates with the "
         "police, border guard and market surveillance; analyses smuggling trends and proposes "
         "measures."),
    ]),
    ("DTCBL", "DTCBL.02", ("Trinh sát, thu thập thông tin nghiệp vụ",
                           "Intelligence and information gathering"), (
        "Sử dụng biện pháp nghiệp vụ hải quan để thu thập, xử lý thông tin về đối tượng, "
        "phương thức buôn lậu, gian lận thương mại.",
        "Uses customs operational measures to gather and process information on smuggling and "
        "commercial fraud, its actors and methods."), [
        ("Ghi nhận, báo cáo thông tin ban đầu theo mẫu; tuân thủ nguyên tắc bảo mật nguồn tin "
         "và tài liệu nghiệp vụ.",
         "Records and reports initial information on the standard forms; protects sources and "
         "operational documents."),
        ("Xác minh, đánh giá độ tin cậy của thông tin; lập hồ sơ đối tượng; đề xuất biện pháp "
         "nghiệp vụ phù hợp.",
         "Checks and grades the reliability of information; builds target files; proposes "
         "suitable operational measures."),
        ("Chỉ đạo xác lập chuyên án, đấu tranh với đường dây buôn lậu; trao đổi thông tin tình "
         "báo với hải quan nước ngoài và các lực lượng chức năng.",
         "Directs case operations against smuggling networks; exchanges intelligence with "
         "foreign customs and other enforcement agencies."),
    ]),
    ("DTCBL", "DTCBL.03", ("Phòng, chống ma tuý qua biên giới", "Drug enforcement at the border"), (
        "Phát hiện, ngăn chặn ma tuý, tiền chất và hàng cấm vận chuyển qua cửa khẩu, đường bưu "
        "chính, chuyển phát nhanh.",
        "Detects and stops drugs, precursors and prohibited goods at border gates and in post "
        "and express consignments."), [
        ("Nhận biết các loại ma tuý, tiền chất phổ biến và dấu hiệu nghi vấn ở hành khách, hàng "
         "hoá, bưu gửi; thực hiện đúng quy trình an toàn khi phát hiện.",
         "Recognises common drugs and precursors and suspicious signs in travellers, goods and "
         "parcels; follows the safety procedure on detection."),
        ("Sử dụng thiết bị, chó nghiệp vụ, kỹ thuật phân tích hồ sơ hành khách để lựa chọn đối "
         "tượng kiểm tra; phối hợp bắt giữ, lập hồ sơ ban đầu.",
         "Uses detection equipment, detector dogs and passenger profiling to select whom to "
         "check; takes part in arrests and builds the initial file."),
        ("Chủ trì kế hoạch đấu tranh, giao hàng có kiểm soát; hợp tác quốc tế phòng, chống ma "
         "tuý; phân tích tuyến, phương thức mới và huấn luyện lực lượng.",
         "Leads enforcement operations and controlled deliveries; cooperates internationally "
         "against drugs; analyses new routes and methods and trains staff."),
    ]),
    # -- risk management -------------------------------------------------------------------------
    ("QLRR", "QLRR.01", ("Quản lý rủi ro, phân luồng", "Risk management and channel selection"), (
        "Áp dụng chu trình quản lý rủi ro (nhận diện, phân tích, đánh giá, xử lý, giám sát); "
        "thiết lập và đánh giá tiêu chí phân luồng xanh, vàng, đỏ.",
        "Applies the risk management cycle (identify, analyse, evaluate, treat, monitor) and "
        "sets and reviews the green, yellow and red selectivity criteria."), [
        ("Giải thích được ý nghĩa các luồng và nguyên tắc quản lý rủi ro; cập nhật kết quả kiểm "
         "tra, phản hồi lên hệ thống đầy đủ, đúng hạn.",
         "Explains the channels and the risk management principle; records inspection results "
         "and feedback in the system completely and on time."),
        ("Phân tích rủi ro theo mặt hàng, tuyến đường, doanh nghiệp; đề xuất, thiết lập tiêu chí "
         "lựa chọn kiểm tra; theo dõi tỷ lệ phát hiện vi phạm để điều chỉnh.",
         "Analyses risk by commodity, route and company; proposes and sets selection criteria; "
         "tracks detection rates to tune them."),
        ("Xây dựng hồ sơ rủi ro, bộ chỉ số quản lý rủi ro của đơn vị; đánh giá hiệu quả phân "
         "luồng; ứng dụng phân tích dữ liệu nâng cao và hướng dẫn nghiệp vụ.",
         "Builds risk profiles and the unit's risk indicators; evaluates selectivity "
         "performance; applies advanced analytics and coaches colleagues."),
    ]),
    ("QLRR", "QLRR.02", ("Đánh giá tuân thủ doanh nghiệp", "Compliance assessment"), (
        "Thu thập thông tin, đánh giá và phân loại mức độ tuân thủ pháp luật hải quan của doanh "
        "nghiệp; quản lý chế độ doanh nghiệp ưu tiên.",
        "Gathers information and grades companies' compliance with customs law; manages the "
        "priority-enterprise (AEO) regime."), [
        ("Nêu được các tiêu chí đánh giá và các mức tuân thủ; thu thập, cập nhật thông tin "
         "doanh nghiệp vào hệ thống theo hướng dẫn.",
         "States the assessment criteria and compliance levels; gathers and enters company "
         "information in the system as instructed."),
        ("Đánh giá, xếp hạng tuân thủ của doanh nghiệp có căn cứ; đề xuất biện pháp quản lý phù "
         "hợp với từng mức; thẩm định hồ sơ doanh nghiệp ưu tiên.",
         "Assesses and ranks companies' compliance with evidence; proposes controls suited to "
         "each level; examines priority-enterprise applications."),
        ("Xây dựng phương pháp, chương trình hỗ trợ tuân thủ tự nguyện; giám sát doanh nghiệp "
         "ưu tiên; tham gia công nhận lẫn nhau AEO với hải quan nước ngoài.",
         "Designs methods and programmes for voluntary compliance; monitors priority "
         "enterprises; works on AEO mutual recognition with foreign customs."),
    ]),
    ("QLRR", "QLRR.03", ("Thu thập, xử lý thông tin nghiệp vụ hải quan",
                         "Customs information collection and processing"), (
        "Thu thập, tổng hợp, xử lý thông tin trước, trong và sau thông quan (bản khai hàng hoá, "
        "thông tin hành khách, cảnh báo) phục vụ quản lý rủi ro.",
        "Collects, compiles and processes pre-arrival, clearance and post-clearance "
        "information (manifests, passenger data, alerts) for risk management."), [
        ("Tiếp nhận, nhập và phân loại thông tin theo quy định; khai thác bản khai hàng hoá, "
         "danh sách hành khách trên hệ thống.",
         "Receives, enters and classifies information by the rules; queries manifests and "
         "passenger lists in the system."),
        ("Phân tích thông tin trước khi hàng đến để phát hiện lô hàng nghi vấn; phát hành cảnh "
         "báo, đề xuất kiểm tra trọng điểm.",
         "Analyses pre-arrival information to flag suspicious consignments; issues alerts and "
         "proposes targeted controls."),
        ("Tổ chức mạng lưới thu thập, chia sẻ thông tin trong và ngoài ngành; đánh giá chất "
         "lượng nguồn tin; đề xuất cải tiến hệ thống thông tin nghiệp vụ.",
         "Organises networks to collect and share information inside and outside Customs; "
         "evaluates sources; proposes improvements to the information systems."),
    ]),
    # -- handling of violations ------------------------------------------------------------------
    ("XLVP", "XLVP.01", ("Xử lý vi phạm hành chính về hải quan",
                         "Handling administrative violations"), (
        "Phát hiện, lập biên bản, xác minh và đề xuất xử phạt vi phạm hành chính trong lĩnh vực "
        "hải quan đúng trình tự, thẩm quyền.",
        "Detects, records, verifies and proposes sanctions for administrative customs "
        "violations, following the procedure and within the powers."), [
        ("Nhận biết các nhóm hành vi vi phạm về thủ tục, khai hải quan, giám sát, thuế; lập "
         "biên bản vi phạm hành chính đúng mẫu, đủ nội dung.",
         "Recognises the categories of violations (procedure, declaration, supervision, tax); "
         "draws up a complete violation record on the proper form."),
        ("Xác định đúng hành vi, tình tiết tăng nặng, giảm nhẹ, mức phạt và biện pháp khắc phục "
         "hậu quả; dự thảo quyết định xử phạt đúng thời hạn, thẩm quyền.",
         "Determines the offence, aggravating and mitigating circumstances, the fine and "
         "remedial measures; drafts the sanction decision within the time limit and powers."),
        ("Xử lý vụ việc phức tạp; phân biệt vi phạm hành chính với tội phạm và chuyển hồ sơ cho "
         "cơ quan tiến hành tố tụng; hướng dẫn, kiểm tra công tác xử lý vi phạm của đơn vị.",
         "Handles complex cases; distinguishes violations from crimes and refers files to the "
         "prosecuting authorities; guides and checks the unit's handling of violations."),
    ]),
    ("XLVP", "XLVP.02", ("Giải quyết khiếu nại, tố cáo", "Complaints and denunciations"), (
        "Tiếp nhận, phân loại, xác minh và giải quyết khiếu nại, tố cáo liên quan đến hoạt động "
        "hải quan theo Luật Khiếu nại, Luật Tố cáo.",
        "Receives, classifies, verifies and settles complaints and denunciations about customs "
        "work under the Law on Complaints and the Law on Denunciations."), [
        ("Tiếp nhận, vào sổ, phân loại đơn thư đúng quy định; xác định thẩm quyền giải quyết và "
         "hướng dẫn người khiếu nại.",
         "Receives, registers and classifies petitions; determines the competent authority and "
         "guides the complainant."),
        ("Xác minh nội dung khiếu nại, tố cáo; tổ chức đối thoại; dự thảo báo cáo xác minh và "
         "quyết định giải quyết có căn cứ.",
         "Verifies complaints and denunciations; holds dialogues; drafts well-founded "
         "verification reports and decisions."),
        ("Giải quyết vụ việc phức tạp, đông người, kéo dài; tham gia tố tụng hành chính; đề xuất "
         "sửa đổi chính sách từ các vụ việc.",
         "Settles complex, collective or long-running cases; takes part in administrative "
         "litigation; proposes policy changes drawn from cases."),
    ]),
    ("XLVP", "XLVP.03", ("Pháp chế hải quan", "Customs legal affairs"), (
        "Xây dựng, thẩm định, rà soát văn bản; kiểm tra việc thi hành pháp luật và hướng dẫn áp "
        "dụng thống nhất trong ngành.",
        "Drafts, examines and reviews legal documents; checks the implementation of the law "
        "and guides its consistent application."), [
        ("Soạn thảo văn bản hành chính đúng thể thức; rà soát văn bản theo danh mục, phát hiện "
         "văn bản hết hiệu lực.",
         "Drafts administrative documents in the correct format; reviews documents against the "
         "list and spots those no longer in force."),
        ("Thẩm định dự thảo văn bản, phát hiện mâu thuẫn, chồng chéo; dự thảo văn bản hướng "
         "dẫn, trả lời vướng mắc pháp lý.",
         "Examines drafts and finds contradictions and overlaps; drafts guidance and replies to "
         "legal questions."),
        ("Chủ trì xây dựng văn bản quy phạm pháp luật về hải quan; đánh giá tác động chính sách; "
         "tham gia đàm phán điều ước quốc tế về hải quan.",
         "Leads the drafting of customs legislation; assesses policy impact; takes part in "
         "negotiating international customs agreements."),
    ]),
    # -- customs verification --------------------------------------------------------------------
    ("KDHQ", "KDHQ.01", ("Lấy mẫu, phân tích, phân loại hàng hoá",
                         "Sampling, laboratory analysis and classification"), (
        "Lấy mẫu, lưu mẫu, phân tích thành phần, tính chất của hàng hoá bằng thiết bị phòng thí "
        "nghiệm phục vụ phân loại.",
        "Takes and keeps samples and analyses the composition and properties of goods with "
        "laboratory equipment to support classification."), [
        ("Lấy mẫu, niêm phong, bàn giao, lưu mẫu đúng quy trình; vận hành thiết bị phân tích cơ "
         "bản dưới sự hướng dẫn.",
         "Takes, seals, hands over and keeps samples by the procedure; operates basic "
         "analytical equipment under supervision."),
        ("Lựa chọn phương pháp phân tích phù hợp, thực hiện độc lập và đánh giá kết quả; lập "
         "thông báo kết quả phân tích có căn cứ kỹ thuật.",
         "Chooses the analytical method, performs it alone and evaluates the result; issues "
         "technically grounded analysis reports."),
        ("Xây dựng, thẩm định phương pháp thử mới; xử lý mẫu phức tạp, kết quả có tranh chấp; "
         "bảo đảm chất lượng phòng thí nghiệm theo ISO/IEC 17025.",
         "Develops and validates new test methods; handles complex samples and disputed "
         "results; ensures laboratory quality under ISO/IEC 17025."),
    ]),
    ("KDHQ", "KDHQ.02", ("Kiểm định, giám định hàng hoá",
                         "Verification and technical examination of goods"), (
        "Kiểm định số lượng, chất lượng, chủng loại hàng hoá và phối hợp với tổ chức giám định "
        "để làm rõ nghi vấn.",
        "Verifies the quantity, quality and type of goods and works with inspection bodies to "
        "clear doubts."), [
        ("Thực hiện kiểm định theo phiếu yêu cầu và hướng dẫn; ghi nhận kết quả đầy đủ, khách "
         "quan.",
         "Performs verifications as requested and instructed; records results fully and "
         "objectively."),
        ("Đánh giá yêu cầu kiểm định, lựa chọn phương pháp; phát hiện khai sai chủng loại, chất "
         "lượng; phối hợp với tổ chức giám định bên ngoài.",
         "Evaluates requests and chooses methods; detects misdeclared type or quality; works "
         "with external inspection bodies."),
        ("Chủ trì kiểm định vụ việc phức tạp; xây dựng cơ sở dữ liệu kết quả kiểm định phục vụ "
         "quản lý rủi ro; hướng dẫn chuyên môn cho các đơn vị.",
         "Leads complex verifications; builds the database of results for risk management; "
         "advises other units."),
    ]),
    # -- IT and statistics -----------------------------------------------------------------------
    ("CNTT", "CNTT.01", ("Quản trị hệ thống, an toàn thông tin",
                         "Systems administration and information security"), (
        "Vận hành, quản trị hạ tầng và hệ thống thông tin của ngành; bảo đảm an toàn thông tin, "
        "an ninh mạng và hoạt động liên tục.",
        "Operates and administers the Customs IT infrastructure and systems; ensures "
        "information security, cyber security and continuity."), [
        ("Vận hành, giám sát hệ thống theo quy trình; xử lý sự cố thường gặp; sao lưu dữ liệu "
         "và ghi nhật ký đầy đủ.",
         "Runs and monitors systems by the procedure; fixes common incidents; backs up data and "
         "keeps complete logs."),
        ("Quản trị máy chủ, mạng, cơ sở dữ liệu; phân tích nhật ký để phát hiện tấn công; cấp "
         "quyền, quản lý tài khoản theo nguyên tắc tối thiểu.",
         "Administers servers, networks and databases; analyses logs to detect attacks; "
         "manages accounts with least privilege."),
        ("Thiết kế kiến trúc, phương án dự phòng, ứng cứu sự cố; đánh giá rủi ro, kiểm tra an "
         "toàn hệ thống theo cấp độ; hướng dẫn các đơn vị.",
         "Designs architecture, continuity and incident-response plans; assesses risk and "
         "audits systems by security level; advises units."),
    ]),
    ("CNTT", "CNTT.02", ("Phát triển ứng dụng, chuyển đổi số",
                         "Application development and digital transformation"), (
        "Phân tích yêu cầu nghiệp vụ, phát triển, kiểm thử, triển khai ứng dụng và dịch vụ số "
        "phục vụ Hải quan số, Hải quan thông minh.",
        "Analyses business needs and develops, tests and deploys applications and digital "
        "services for Digital and Smart Customs."), [
        ("Lập trình, kiểm thử chức năng theo đặc tả; sử dụng hệ thống quản lý mã nguồn và ghi "
         "tài liệu đầy đủ.",
         "Programs and tests functions to a specification; uses version control and documents "
         "the work."),
        ("Phân tích yêu cầu với đơn vị nghiệp vụ, thiết kế và phát triển ứng dụng hoàn chỉnh; "
         "tích hợp dữ liệu qua API; triển khai và hỗ trợ người dùng.",
         "Analyses requirements with business units, designs and builds complete "
         "applications; integrates data through APIs; deploys and supports users."),
        ("Chủ trì dự án chuyển đổi số; thiết kế kiến trúc dữ liệu, ứng dụng trí tuệ nhân tạo, "
         "phân tích dữ liệu lớn; đánh giá hiệu quả đầu tư công nghệ.",
         "Leads digital-transformation projects; designs data architecture, applies artificial "
         "intelligence and big-data analytics; evaluates technology investments."),
    ]),
    ("CNTT", "CNTT.03", ("Thống kê hải quan", "Customs statistics"), (
        "Thu thập, xử lý, phân tích và phổ biến số liệu thống kê nhà nước về hải quan đối với "
        "hàng hoá xuất khẩu, nhập khẩu.",
        "Collects, processes, analyses and disseminates official customs statistics on exports "
        "and imports."), [
        ("Kiểm tra, làm sạch dữ liệu tờ khai phục vụ thống kê; lập biểu báo cáo định kỳ theo "
         "mẫu.",
         "Checks and cleans declaration data for statistics; produces the periodic report "
         "tables."),
        ("Phân tích biến động kim ngạch, mặt hàng, thị trường; phát hiện, xử lý sai lệch số "
         "liệu; cung cấp số liệu theo yêu cầu đúng quy định bảo mật.",
         "Analyses changes in trade by value, commodity and market; finds and corrects data "
         "errors; provides data on request within the confidentiality rules."),
        ("Xây dựng phương pháp, chỉ tiêu thống kê; đối chiếu số liệu với đối tác thương mại; "
         "biên soạn ấn phẩm và phân tích chuyên đề phục vụ điều hành.",
         "Develops statistical methods and indicators; reconciles data with trading partners; "
         "compiles publications and thematic analyses for management."),
    ]),
    # -- personnel and training ------------------------------------------------------------------
    ("TCCB", "TCCB.01", ("Tổ chức bộ máy, quản lý công chức",
                         "Organisation and civil-service management"), (
        "Tham mưu tổ chức bộ máy, vị trí việc làm, tuyển dụng, quy hoạch, bổ nhiệm, luân "
        "chuyển, đánh giá và chế độ, chính sách đối với công chức.",
        "Advises on organisation, job positions, recruitment, succession planning, "
        "appointment, rotation, evaluation and staff entitlements."), [
        ("Cập nhật hồ sơ, cơ sở dữ liệu công chức; thực hiện thủ tục nâng lương, chế độ chính "
         "sách theo hướng dẫn.",
         "Keeps personnel files and the staff database up to date; processes salary steps and "
         "entitlements as instructed."),
        ("Dự thảo đề án vị trí việc làm, kế hoạch tuyển dụng, luân chuyển; thẩm định hồ sơ bổ "
         "nhiệm, đánh giá, xếp loại công chức đúng quy định.",
         "Drafts job-position schemes and recruitment and rotation plans; examines "
         "appointment, evaluation and rating files by the rules."),
        ("Tham mưu sắp xếp, kiện toàn tổ chức bộ máy; xây dựng quy hoạch cán bộ, chính sách "
         "quản lý nhân lực theo năng lực và vị trí việc làm.",
         "Advises on restructuring; builds succession plans and competency-based HR policies "
         "tied to job positions."),
    ]),
    ("TCCB", "TCCB.02", ("Đào tạo, bồi dưỡng", "Training and development"), (
        "Xác định nhu cầu, lập kế hoạch, tổ chức và đánh giá hiệu quả đào tạo, bồi dưỡng công "
        "chức theo khung năng lực vị trí việc làm.",
        "Analyses needs, plans, organises and evaluates training against the job-position "
        "competency framework."), [
        ("Tổng hợp đăng ký, tổ chức lớp học, theo dõi chuyên cần và kết quả học tập; quản lý hồ "
         "sơ đào tạo.",
         "Compiles registrations, organises classes, tracks attendance and results; keeps "
         "training records."),
        ("Phân tích khoảng cách năng lực để xác định nhu cầu đào tạo; xây dựng kế hoạch, chương "
         "trình bồi dưỡng theo vị trí việc làm; đánh giá kết quả sau khoá học.",
         "Analyses competency gaps to find training needs; builds plans and programmes by job "
         "position; evaluates results after courses."),
        ("Thiết kế hệ thống đánh giá hiệu quả đào tạo (thay đổi năng lực, áp dụng vào công "
         "việc); xây dựng chiến lược học tập suốt đời, mô hình học tập số của ngành.",
         "Designs the evaluation of training impact (competency change, transfer to work); "
         "builds the lifelong-learning strategy and digital learning model of Customs."),
    ]),
    ("TCCB", "TCCB.03", ("Giảng dạy, phát triển học liệu", "Teaching and course development"), (
        "Thiết kế, biên soạn bài giảng, khoá học trực tuyến, ngân hàng câu hỏi và giảng dạy "
        "nghiệp vụ hải quan.",
        "Designs and writes lessons, online courses and question banks, and teaches customs "
        "subjects."), [
        ("Giảng dạy theo giáo án có sẵn; biên soạn câu hỏi kiểm tra theo mục tiêu bài học.",
         "Teaches from existing lesson plans; writes test questions aligned with the lesson "
         "objectives."),
        ("Thiết kế bài giảng, khoá học trực tuyến gắn với năng lực vị trí việc làm; dùng phương "
         "pháp tích cực, tình huống thực tế; phân tích chất lượng câu hỏi.",
         "Designs lessons and online courses tied to job-position competencies; uses active "
         "methods and real cases; analyses question quality."),
        ("Chủ biên giáo trình, chương trình đào tạo; bồi dưỡng giảng viên kiêm chức; tham gia "
         "chương trình đào tạo của WCO và hợp tác quốc tế.",
         "Edits textbooks and curricula; trains part-time trainers; contributes to WCO and "
         "international training programmes."),
    ]),
    ("TCCB", "TCCB.04", ("Thi đua, khen thưởng", "Emulation and commendation"), (
        "Tham mưu tổ chức phong trào thi đua; theo dõi, chấm điểm, xét và đề nghị khen thưởng "
        "theo Luật Thi đua, khen thưởng.",
        "Advises on emulation campaigns; tracks, scores, reviews and proposes commendations "
        "under the Law on Emulation and Commendation."), [
        ("Tổng hợp hồ sơ, số liệu thi đua của đơn vị; kiểm tra thành phần hồ sơ đề nghị khen "
         "thưởng.",
         "Compiles the unit's emulation files and figures; checks that commendation proposals "
         "are complete."),
        ("Hướng dẫn tiêu chí, chấm điểm thi đua; thẩm định hồ sơ khen thưởng đúng tiêu chuẩn, "
         "tỷ lệ.",
         "Explains the criteria and scores emulation; examines commendation files against the "
         "standards and quotas."),
        ("Xây dựng kế hoạch, bộ tiêu chí thi đua; tổ chức sơ kết, tổng kết; phát hiện, nhân "
         "rộng điển hình tiên tiến.",
         "Designs emulation plans and criteria; organises interim and final reviews; finds and "
         "spreads good examples."),
    ]),
]

#: Position profiles: ``position code -> [(competency code, required level, weight)]``.
#: Leaders need the general competencies (law, ethics, leadership) at higher levels; staff
#: need their field's competencies, the core one weighted highest.
PROFILES: dict[str, list[tuple[str, int, float]]] = {
    # leadership
    "LD-TCT": [("CHUNG.06", 3, 2), ("CHUNG.01", 3, 2), ("CHUNG.05", 3, 2), ("CHUNG.07", 3, 1),
               ("CHUNG.02", 2, 1), ("CHUNG.04", 2, 1)],
    "LD-PTCT": [("CHUNG.06", 3, 2), ("CHUNG.01", 3, 2), ("CHUNG.05", 3, 2), ("CHUNG.07", 3, 1),
                ("CHUNG.02", 2, 1), ("CHUNG.04", 2, 1)],
    "LD-VT": [("CHUNG.06", 3, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 3, 1.5), ("CHUNG.02", 2, 1),
              ("CHUNG.03", 2, 1), ("CHUNG.07", 2, 1)],
    "LD-PVT": [("CHUNG.06", 2, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 3, 1.5),
               ("CHUNG.02", 2, 1), ("CHUNG.03", 2, 1)],
    "LD-TP": [("CHUNG.06", 2, 2), ("CHUNG.01", 2, 1.5), ("CHUNG.05", 2, 1.5), ("CHUNG.02", 2, 1),
              ("CHUNG.03", 2, 1)],
    "LD-PTP": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1.5), ("CHUNG.05", 2, 1),
               ("CHUNG.02", 2, 1)],
    "LD-CT": [("CHUNG.06", 3, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 3, 1.5), ("CHUNG.07", 3, 1),
              ("QLRR.01", 2, 1), ("GSQL.01", 2, 1), ("DTCBL.01", 2, 1)],
    "LD-PCT": [("CHUNG.06", 2, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 3, 1.5),
               ("QLRR.01", 2, 1), ("GSQL.01", 2, 1), ("THUE.04", 2, 1)],
    "LD-CCT": [("CHUNG.06", 2, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 2, 1.5),
               ("GSQL.01", 3, 1.5), ("GSQL.02", 2, 1), ("QLRR.01", 2, 1), ("CHUNG.07", 2, 1)],
    "LD-PCCT": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1.5), ("CHUNG.05", 2, 1),
                ("GSQL.01", 3, 1.5), ("GSQL.02", 2, 1), ("THUE.01", 2, 1)],
    "LD-CCT-KT": [("CHUNG.06", 2, 2), ("CHUNG.01", 3, 1.5), ("CHUNG.05", 2, 1.5),
                  ("KTSTQ.01", 3, 2), ("KTSTQ.02", 2, 1), ("THUE.01", 2, 1)],
    "LD-PCCT-KT": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1.5), ("KTSTQ.01", 3, 2),
                   ("KTSTQ.02", 2, 1.5), ("KTSTQ.03", 2, 1), ("THUE.01", 2, 1)],
    "LD-DT-NV": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1), ("GSQL.01", 3, 2), ("GSQL.02", 3, 1.5),
                 ("THUE.02", 2, 1), ("QLRR.01", 2, 1)],
    "LD-PDT-NV": [("CHUNG.06", 1, 1), ("CHUNG.01", 2, 1), ("GSQL.01", 3, 2), ("GSQL.02", 2, 1.5),
                  ("THUE.02", 2, 1)],
    "LD-DT-KS": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1), ("DTCBL.01", 3, 2),
                 ("DTCBL.02", 2, 1.5), ("XLVP.01", 2, 1), ("DTCBL.03", 2, 1)],
    "LD-PDT-KS": [("CHUNG.06", 1, 1), ("CHUNG.01", 2, 1), ("DTCBL.01", 3, 2), ("DTCBL.02", 2, 1),
                  ("XLVP.01", 2, 1)],
    "LD-DT-KT": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1), ("KTSTQ.01", 3, 2),
                 ("KTSTQ.02", 3, 1.5), ("THUE.01", 2, 1)],
    "LD-PDT-KT": [("CHUNG.06", 1, 1), ("CHUNG.01", 2, 1), ("KTSTQ.01", 2, 2),
                  ("KTSTQ.02", 2, 1.5), ("THUE.01", 2, 1)],
    "LD-DT-TH": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 2, 1), ("CHUNG.02", 2, 1), ("THUE.04", 2, 1.5),
                 ("CHUNG.03", 2, 1)],
    "LD-PDT-TH": [("CHUNG.06", 1, 1), ("CHUNG.01", 2, 1), ("CHUNG.02", 2, 1), ("THUE.04", 2, 1.5)],
    "LD-HT": [("CHUNG.06", 3, 2), ("CHUNG.01", 3, 1), ("CHUNG.05", 3, 1), ("TCCB.02", 3, 2),
              ("TCCB.03", 3, 1.5), ("CHUNG.04", 2, 1)],
    "LD-PHT": [("CHUNG.06", 2, 2), ("CHUNG.01", 2, 1), ("TCCB.02", 3, 1.5), ("TCCB.03", 3, 1.5),
               ("CHUNG.04", 2, 1)],
    "LD-TK": [("CHUNG.06", 2, 1.5), ("CHUNG.01", 3, 1), ("TCCB.03", 3, 2), ("TCCB.02", 2, 1)],
    "LD-PTK": [("CHUNG.06", 1, 1), ("CHUNG.01", 2, 1), ("TCCB.03", 3, 2), ("TCCB.02", 2, 1)],
    # customs supervision and control
    "GSQL-TN": [("GSQL.01", 2, 2), ("CHUNG.01", 2, 1.5), ("THUE.02", 2, 1.5), ("THUE.01", 1, 1),
                ("QLRR.01", 1, 1), ("CHUNG.02", 2, 1), ("CHUNG.07", 2, 1)],
    "GSQL-KTTT": [("GSQL.02", 2, 2), ("GSQL.01", 2, 1.5), ("THUE.02", 2, 1.5), ("CHUNG.01", 2, 1),
                  ("CHUNG.05", 2, 1)],
    "GSQL-CK": [("GSQL.02", 2, 2), ("CHUNG.01", 2, 1), ("DTCBL.01", 1, 1), ("DTCBL.03", 1, 1),
                ("CHUNG.04", 1, 1), ("CHUNG.07", 2, 1)],
    "GSQL-KB": [("GSQL.04", 2, 2), ("GSQL.02", 2, 1.5), ("GSQL.01", 1, 1), ("CHUNG.01", 2, 1)],
    "GSQL-GC": [("GSQL.03", 2, 2), ("GSQL.01", 2, 1.5), ("KTSTQ.02", 1, 1), ("THUE.04", 1, 1),
                ("CHUNG.01", 2, 1)],
    "GSQL-CS": [("CHUNG.01", 3, 2), ("GSQL.01", 3, 1.5), ("XLVP.03", 2, 1.5), ("GSQL.02", 2, 1),
                ("CHUNG.03", 2, 1)],
    # import-export tax
    "THUE-TG": [("THUE.01", 2, 2), ("CHUNG.03", 2, 1.5), ("CHUNG.01", 2, 1), ("KTSTQ.02", 1, 1),
                ("CHUNG.04", 1, 1)],
    "THUE-PL": [("THUE.02", 2, 2), ("KDHQ.01", 1, 1), ("THUE.03", 1, 1), ("CHUNG.01", 2, 1),
                ("CHUNG.04", 1, 1)],
    "THUE-XX": [("THUE.03", 2, 2), ("THUE.02", 2, 1.5), ("CHUNG.04", 2, 1.5), ("CHUNG.01", 2, 1)],
    "THUE-NO": [("THUE.04", 2, 2), ("CHUNG.01", 2, 1), ("CHUNG.03", 2, 1), ("CHUNG.02", 2, 1)],
    "THUE-KT": [("THUE.04", 2, 2), ("CHUNG.02", 2, 1.5), ("CHUNG.03", 2, 1), ("CHUNG.01", 2, 1)],
    "THUE-HT": [("THUE.04", 2, 2), ("CHUNG.01", 2, 1.5), ("THUE.01", 1, 1), ("GSQL.03", 1, 1)],
    # post-clearance audit
    "KTSTQ-KT": [("KTSTQ.01", 2, 2), ("KTSTQ.02", 2, 1.5), ("THUE.01", 2, 1.5), ("THUE.02", 1, 1),
                 ("THUE.03", 1, 1), ("CHUNG.01", 2, 1)],
    "KTSTQ-TT": [("KTSTQ.03", 2, 2), ("CHUNG.03", 2, 1.5), ("QLRR.02", 1, 1), ("KTSTQ.01", 1, 1),
                 ("CHUNG.01", 2, 1)],
    "KTSTQ-TS": [("KTSTQ.01", 3, 2), ("KTSTQ.02", 2, 2), ("THUE.01", 2, 1), ("XLVP.01", 1, 1),
                 ("CHUNG.01", 2, 1)],
    # anti-smuggling
    "DTCBL-KS": [("DTCBL.01", 2, 2), ("GSQL.02", 1, 1), ("XLVP.01", 1, 1), ("CHUNG.01", 2, 1),
                 ("CHUNG.05", 2, 1)],
    "DTCBL-DT": [("DTCBL.02", 2, 2), ("DTCBL.01", 2, 1.5), ("XLVP.01", 2, 1.5),
                 ("CHUNG.01", 2, 1.5)],
    "DTCBL-TS": [("DTCBL.02", 3, 2), ("QLRR.03", 2, 1.5), ("CHUNG.03", 2, 1), ("CHUNG.01", 2, 1),
                 ("CHUNG.05", 2, 1)],
    "DTCBL-MT": [("DTCBL.03", 2, 2), ("DTCBL.01", 2, 1.5), ("CHUNG.04", 1, 1), ("CHUNG.01", 2, 1)],
    # risk management
    "QLRR-TT": [("QLRR.03", 2, 2), ("QLRR.01", 1, 1.5), ("CHUNG.03", 2, 1.5), ("CHUNG.02", 2, 1),
                ("CHUNG.01", 2, 1)],
    "QLRR-PT": [("QLRR.01", 3, 2), ("CHUNG.03", 3, 2), ("QLRR.03", 2, 1), ("GSQL.01", 1, 1),
                ("CHUNG.01", 2, 1)],
    "QLRR-TC": [("QLRR.02", 2, 2), ("QLRR.01", 2, 1.5), ("KTSTQ.03", 1, 1), ("CHUNG.03", 2, 1),
                ("CHUNG.01", 2, 1)],
    # handling of violations
    "XLVP-XL": [("XLVP.01", 2, 2), ("CHUNG.01", 3, 2), ("XLVP.03", 1, 1), ("CHUNG.05", 2, 1)],
    "XLVP-KN": [("XLVP.02", 2, 2), ("CHUNG.01", 3, 1.5), ("XLVP.01", 2, 1), ("CHUNG.07", 2, 1)],
    "XLVP-PC": [("XLVP.03", 2, 2), ("CHUNG.01", 3, 2), ("XLVP.01", 2, 1), ("CHUNG.04", 1, 1)],
    # customs verification
    "KDHQ-PT": [("KDHQ.01", 2, 2), ("THUE.02", 2, 1.5), ("KDHQ.02", 1, 1), ("CHUNG.01", 1, 1)],
    "KDHQ-GD": [("KDHQ.02", 2, 2), ("KDHQ.01", 2, 1.5), ("THUE.02", 1, 1), ("CHUNG.01", 1, 1)],
    # IT and statistics
    "CNTT-QT": [("CNTT.01", 2, 2), ("CHUNG.02", 3, 1.5), ("CNTT.02", 1, 1), ("CHUNG.05", 2, 1)],
    "CNTT-PT": [("CNTT.02", 2, 2), ("CHUNG.02", 3, 1.5), ("CHUNG.03", 2, 1), ("CNTT.01", 1, 1),
                ("GSQL.01", 1, 1)],
    "CNTT-TK": [("CNTT.03", 2, 2), ("CHUNG.03", 3, 2), ("CHUNG.02", 2, 1), ("THUE.02", 1, 1)],
    # personnel and training
    "TCCB-TC": [("TCCB.01", 2, 2), ("CHUNG.05", 2, 1.5), ("CHUNG.01", 2, 1), ("CHUNG.02", 2, 1)],
    "TCCB-DT": [("TCCB.02", 2, 2), ("CHUNG.02", 2, 1.5), ("TCCB.03", 1, 1), ("CHUNG.03", 1, 1)],
    "TCCB-GV": [("TCCB.03", 2, 2), ("CHUNG.01", 2, 1.5), ("CHUNG.02", 2, 1), ("CHUNG.04", 1, 1)],
    "TCCB-TD": [("TCCB.04", 2, 2), ("TCCB.01", 1, 1), ("CHUNG.02", 2, 1), ("CHUNG.05", 2, 1)],
    # general
    "CV-TH": [("CHUNG.02", 2, 1.5), ("CHUNG.03", 2, 1.5), ("CHUNG.01", 2, 1), ("CHUNG.07", 2, 1)],
    "CV-VT": [("CHUNG.02", 2, 2), ("CHUNG.05", 2, 1), ("CHUNG.01", 1, 1), ("CHUNG.07", 1, 1)],
    "CV-KT": [("CHUNG.02", 2, 1.5), ("CHUNG.03", 2, 1.5), ("THUE.04", 1, 1), ("CHUNG.05", 2, 1)],
    "CV-HTQT": [("CHUNG.04", 3, 2), ("CHUNG.01", 2, 1.5), ("CHUNG.07", 2, 1), ("CHUNG.02", 2, 1)],
    "CV-TTR": [("CHUNG.01", 3, 2), ("CHUNG.05", 3, 1.5), ("XLVP.02", 2, 1.5), ("KTSTQ.02", 1, 1)],
}


def framework_spec() -> F.FrameworkSpec:
    """The demo framework as a spec (checked and written by :func:`load`)."""
    nodes = [F.NodeSpec(code=code, kind=kind, name_vi=vi, name_en=en, description_vi=dvi,
                        description_en=den, field_code=code if kind == "field" else None,
                        sort_key=i)
             for i, (code, kind, vi, en, dvi, den) in enumerate(TOP)]
    for i, (parent, code, (vi, en), (dvi, den), levels) in enumerate(COMPETENCIES):
        nodes.append(F.NodeSpec(
            code=code, kind="competency", name_vi=vi, name_en=en, description_vi=dvi,
            description_en=den, parent_code=parent, sort_key=i,
            criteria={level: pair for level, pair in enumerate(levels, start=1)}))
    return F.FrameworkSpec(code=CODE, name_vi=NAME[0], name_en=NAME[1],
                           description_vi=DESCRIPTION[0], description_en=DESCRIPTION[1],
                           scale_levels=3, scale=F.default_scale(3), nodes=nodes)


def load(seed: int | None = None) -> str:
    """Write and publish the demo framework and the demo positions' profiles (once: nothing
    happens when the framework exists). Flushes, never commits. The officers' gaps are not
    recomputed here: the evidence demo does that after it records evidence."""
    from lms_core.organisation import queries as org

    if F.versions_of(CODE):
        return ""
    framework = F.build_framework(framework_spec(), version=1)
    F.publish(framework)
    positions = 0
    for position_code, requirements in PROFILES.items():
        position = org.position_by_code(position_code)
        if position is None:
            continue
        for code, level, weight in requirements:
            profiles.set_requirement(position, code, level, weight, recompute=False)
        positions += 1
    competencies = sum(1 for n in framework.nodes if n.kind == "competency")
    return (f"competency framework {CODE} v1 ({competencies} competencies), "
            f"{positions} position profiles")
