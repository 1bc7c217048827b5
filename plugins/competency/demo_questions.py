"""Demo data: a bilingual question bank for the competencies the shipped courses develop, and
the open exam "Thi đánh giá năng lực 2026 – nghiệp vụ chung".

The items follow the Customs Law 2014 (Luật Hải quan số 54/2014/QH13), Decree 08/2015/NĐ-CP
(amended by Decree 59/2018/NĐ-CP), Circular 38/2015/TT-BTC (amended by Circular
39/2018/TT-BTC), Circular 39/2015/TT-BTC on customs valuation, the Law on Import and Export
Duties 2016, the Law on Handling Administrative Violations and Decree 128/2020/NĐ-CP, as the
courses in ``content/`` teach them. Level 1 asks for the rule, level 2 for applying it to a
usual case, level 3 for a complex case. Training staff should still check every item against
the legal texts in force before using it in a real exam.

:func:`load` needs no course rows and no published framework: items are stored by
competency code; the exam is opened only when a framework is published that holds its codes.
Running it again adds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms_core.extensions import db
from plugins.competency.models import BankItem, Exam, ExamPart

EXAM_CODE = "DGNL-2026-NVC"
EXAM_TITLE = ("Thi đánh giá năng lực 2026 – nghiệp vụ chung",
              "Competency assessment 2026 – general customs practice")
EXAM_MINUTES = 45
#: (competency, level, items drawn) of the demo exam: 28 items in 45 minutes.
EXAM_PARTS = [("CHUNG.01", 1, 4), ("CHUNG.01", 2, 4), ("CHUNG.01", 3, 4),
              ("GSQL.01", 1, 4), ("GSQL.01", 2, 4),
              ("XLVP.01", 1, 4), ("XLVP.01", 2, 4)]


def Q(level: int, stem_vi: str, stem_en: str, right: str, *options: tuple[str, str]):
    """One item: its level, question, the letters of the right options, the options (vi, en).
    Several right letters make a multiple-answer item."""
    return level, stem_vi, stem_en, right, options


BANK: dict[str, list] = {
    # -- CHUNG.01 Pháp luật hải quan ---------------------------------------------------------
    "CHUNG.01": [
        Q(1, "Luật Hải quan số 54/2014/QH13 có hiệu lực thi hành từ ngày nào?",
          "From which date is the Customs Law No. 54/2014/QH13 in force?", "c",
          ("01/7/2014", "1 July 2014"), ("23/6/2014", "23 June 2014"),
          ("01/01/2015", "1 January 2015"), ("01/01/2016", "1 January 2016")),
        Q(1, "Theo Luật Hải quan 2014, hồ sơ hải quan đối với hàng hoá nhập khẩu được nộp khi "
             "nào?",
          "Under the Customs Law 2014, when is the customs file of imported goods lodged?", "b",
          ("Chậm nhất 04 giờ trước khi phương tiện vận tải nhập cảnh",
           "At the latest 4 hours before the means of transport enters"),
          ("Trước ngày hàng hoá đến cửa khẩu hoặc trong thời hạn 30 ngày kể từ ngày hàng hoá "
           "đến cửa khẩu",
           "Before the goods arrive at the border gate or within 30 days of their arrival"),
          ("Trong thời hạn 15 ngày kể từ ngày hàng hoá đến cửa khẩu",
           "Within 15 days of the goods' arrival at the border gate"),
          ("Bất cứ lúc nào trước khi hàng hoá được đưa ra khỏi kho",
           "At any time before the goods leave the warehouse")),
        Q(1, "Tờ khai hải quan có giá trị làm thủ tục hải quan trong thời hạn bao lâu kể từ "
             "ngày đăng ký?",
          "For how long after its registration is a customs declaration valid for the "
          "procedure?", "a",
          ("15 ngày", "15 days"), ("30 ngày", "30 days"), ("05 ngày làm việc", "5 working days"),
          ("60 ngày", "60 days")),
        Q(1, "Người khai hải quan phải lưu giữ hồ sơ hải quan trong thời hạn bao lâu?",
          "For how long must the declarant keep the customs file?", "d",
          ("01 năm kể từ ngày thông quan", "1 year from clearance"),
          ("03 năm kể từ ngày đăng ký tờ khai", "3 years from registration of the declaration"),
          ("10 năm kể từ ngày nộp thuế", "10 years from payment of duties"),
          ("05 năm kể từ ngày đăng ký tờ khai hải quan",
           "5 years from registration of the customs declaration")),
        Q(1, "Theo Luật Hải quan 2014, kiểm tra, giám sát hải quan được thực hiện trên cơ sở "
             "nào?",
          "Under the Customs Law 2014, on what basis are customs inspection and supervision "
          "carried out?", "b",
          ("Kiểm tra toàn bộ các lô hàng", "Inspection of every consignment"),
          ("Áp dụng quản lý rủi ro", "Risk management"),
          ("Đề nghị của người khai hải quan", "The declarant's request"),
          ("Chỉ đạo của cơ quan cấp trên đối với từng lô hàng",
           "A superior's instruction for each consignment")),
        Q(2, "Công ty A đăng ký tờ khai nhập khẩu ngày 02/3 nhưng đến ngày 20/3 vẫn chưa đưa "
             "hàng đến địa điểm kiểm tra và chưa nộp thuế. Nhận định nào đúng?",
          "Company A registered an import declaration on 2 March but by 20 March has neither "
          "presented the goods nor paid duties. Which statement is right?", "c",
          ("Tờ khai vẫn còn giá trị vì chưa quá 30 ngày",
           "The declaration is still valid as 30 days have not passed"),
          ("Cơ quan hải quan phải thông quan hàng hoá theo nội dung đã khai",
           "Customs must clear the goods as declared"),
          ("Tờ khai đã hết giá trị làm thủ tục vì quá 15 ngày kể từ ngày đăng ký mà hàng chưa "
           "được xuất trình để kiểm tra và chưa đủ điều kiện thông quan",
           "The declaration is no longer valid: more than 15 days after registration the "
           "goods were not presented and the conditions for clearance were not met"),
          ("Công ty được tự động gia hạn thêm 15 ngày",
           "The company automatically gets 15 more days")),
        Q(2, "Trong các chủ thể sau, những chủ thể nào là người khai hải quan theo Luật Hải "
             "quan 2014?",
          "Which of the following are declarants under the Customs Law 2014?", "abd",
          ("Chủ hàng hoá", "The owner of the goods"),
          ("Đại lý làm thủ tục hải quan", "A customs broker"),
          ("Ngân hàng thương mại nơi chủ hàng mở tài khoản",
           "The commercial bank where the owner holds an account"),
          ("Doanh nghiệp cung cấp dịch vụ bưu chính, chuyển phát nhanh quốc tế",
           "A company providing international postal or express services")),
        Q(2, "Thời hạn cơ quan hải quan hoàn thành kiểm tra hồ sơ và kiểm tra thực tế hàng hoá "
             "là bao lâu?",
          "How long does Customs have to finish checking the file and physically inspecting "
          "the goods?", "a",
          ("Kiểm tra hồ sơ chậm nhất 02 giờ làm việc kể từ khi tiếp nhận đầy đủ hồ sơ; kiểm "
           "tra thực tế chậm nhất 08 giờ làm việc kể từ khi hàng hoá được xuất trình đầy đủ",
           "The file within 2 working hours of receiving it complete; the goods within 8 "
           "working hours of their full presentation"),
          ("Kiểm tra hồ sơ trong 08 giờ làm việc; kiểm tra thực tế trong 02 ngày làm việc",
           "The file within 8 working hours; the goods within 2 working days"),
          ("Cả hai trong 24 giờ kể từ khi đăng ký tờ khai",
           "Both within 24 hours of registration"),
          ("Không có thời hạn, tuỳ khối lượng công việc",
           "There is no time limit; it depends on the workload")),
        Q(2, "Điểm khác nhau giữa \"giải phóng hàng\" và \"thông quan\" là gì?",
          "What is the difference between \"release\" and \"clearance\"?", "d",
          ("Không có khác nhau, hai thuật ngữ dùng thay thế nhau",
           "None: the two terms are interchangeable"),
          ("Giải phóng hàng chỉ áp dụng cho hàng xuất khẩu",
           "Release applies to exports only"),
          ("Thông quan là việc cho phép đưa hàng về kho của doanh nghiệp để bảo quản",
           "Clearance lets the company take the goods to its own warehouse for storage"),
          ("Giải phóng hàng cho phép chủ hàng quyết định hàng hoá khi chưa hoàn thành thủ tục "
           "hải quan; thông quan là hoàn thành thủ tục hải quan",
           "Release lets the owner dispose of the goods before the procedure is complete; "
           "clearance is the completion of the customs procedure")),
        Q(2, "Người khai hải quan có quyền nào sau đây trước khi khai hải quan?",
          "Which right does the declarant have before declaring?", "b",
          ("Tự quyết định luồng kiểm tra cho lô hàng", "To choose the inspection channel"),
          ("Xem trước hàng hoá, lấy mẫu hàng hoá dưới sự giám sát của công chức hải quan",
           "To view the goods and take samples under a customs officer's supervision"),
          ("Được miễn nộp thuế nếu chưa biết mã số hàng hoá",
           "To be exempt from duties while the tariff code is unknown"),
          ("Yêu cầu cơ quan hải quan khai hải quan thay", "To have Customs declare for them")),
        Q(3, "Năm 2024, cơ quan hải quan phát hiện dấu hiệu khai sai trị giá ở một tờ khai "
             "đăng ký ngày 15/3/2021 đã được thông quan. Hướng xử lý nào đúng?",
          "In 2024 Customs finds signs of misdeclared value on a declaration registered on 15 "
          "March 2021 and already cleared. What is the right course?", "a",
          ("Vẫn có thể kiểm tra sau thông quan vì chưa quá 05 năm kể từ ngày đăng ký tờ khai",
           "It can still be audited after clearance: 5 years from registration have not "
           "passed"),
          ("Không xử lý được vì hàng hoá đã được thông quan",
           "Nothing can be done since the goods were cleared"),
          ("Chỉ được kiểm tra nếu doanh nghiệp đồng ý", "Only with the company's consent"),
          ("Phải chuyển ngay cho cơ quan công an vì đã quá 01 năm",
           "It must go to the police, since more than a year has passed")),
        Q(3, "Hàng hoá đã đăng ký tờ khai nhưng phải chờ kết quả kiểm tra chuyên ngành về chất "
             "lượng. Doanh nghiệp muốn đưa hàng về kho của mình. Điều kiện nào đúng?",
          "Goods are declared but await the result of a specialised quality check. The "
          "company wants to take them to its own warehouse. Which is right?", "c",
          ("Được thông quan ngay, kết quả kiểm tra chuyên ngành nộp sau",
           "They are cleared at once; the result comes later"),
          ("Không được di chuyển hàng cho đến khi có kết quả",
           "The goods cannot move until the result is known"),
          ("Có thể được đưa hàng về bảo quản nếu đáp ứng điều kiện theo quy định; doanh nghiệp "
           "chịu trách nhiệm giữ nguyên trạng hàng hoá cho đến khi có kết quả và được thông "
           "quan",
           "They may be taken into storage if the conditions are met; the company keeps them "
           "unchanged until the result arrives and they are cleared"),
          ("Được giải phóng hàng và tự do tiêu thụ", "They are released and may be sold")),
        Q(3, "Khi áp dụng pháp luật hải quan cho một tình huống, công chức phát hiện thông tư "
             "hướng dẫn quy định khác với nghị định. Cách làm đúng là gì?",
          "Applying customs law to a case, an officer finds that a circular says otherwise "
          "than the decree it implements. What is right?", "d",
          ("Áp dụng thông tư vì là văn bản hướng dẫn chi tiết hơn",
           "Apply the circular, as it is more detailed"),
          ("Áp dụng văn bản nào có lợi cho cơ quan hải quan hơn",
           "Apply whichever favours Customs"),
          ("Tạm dừng giải quyết hồ sơ vô thời hạn", "Suspend the file indefinitely"),
          ("Áp dụng văn bản có hiệu lực pháp lý cao hơn (nghị định), đồng thời báo cáo cấp "
           "trên để kiến nghị xử lý văn bản chưa phù hợp",
           "Apply the text of higher legal force (the decree) and report to superiors so the "
           "inconsistent text can be corrected")),
        Q(3, "Những nội dung nào thể hiện định hướng cải cách của Luật Hải quan 2014 so với "
             "Luật Hải quan 2001?",
          "Which of these show the reform direction of the Customs Law 2014 compared with the "
          "2001 law?", "abc",
          ("Khai hải quan điện tử là chủ yếu", "Electronic declaration as the rule"),
          ("Áp dụng quản lý rủi ro trong kiểm tra, giám sát",
           "Risk management in inspection and supervision"),
          ("Chế độ ưu tiên đối với doanh nghiệp đáp ứng điều kiện",
           "Priority treatment for qualifying companies"),
          ("Kiểm tra thực tế toàn bộ hàng hoá nhập khẩu", "Physical inspection of all imports")),
        Q(3, "Hàng xuất khẩu gửi bằng dịch vụ chuyển phát nhanh phải nộp hồ sơ hải quan chậm "
             "nhất khi nào?",
          "By when must the customs file for exports sent by express courier be lodged?", "b",
          ("04 giờ trước khi phương tiện vận tải xuất cảnh",
           "4 hours before the means of transport leaves"),
          ("02 giờ trước khi phương tiện vận tải xuất cảnh",
           "2 hours before the means of transport leaves"),
          ("Trong 30 ngày kể từ ngày xuất cảnh", "Within 30 days of departure"),
          ("Ngay khi hàng được đưa vào kho của doanh nghiệp chuyển phát",
           "As soon as the goods enter the courier's warehouse")),
    ],
    # -- CHUNG.02 Kỹ năng số, văn hoá số -----------------------------------------------------
    "CHUNG.02": [
        Q(1, "Văn bản điện tử được ký số đúng quy định có giá trị pháp lý như thế nào?",
          "What legal value does a properly digitally signed electronic document have?", "a",
          ("Có giá trị pháp lý như bản gốc văn bản giấy", "The same as the paper original"),
          ("Chỉ có giá trị tham khảo", "Reference only"),
          ("Phải in ra và đóng dấu mới có giá trị", "Only once printed and stamped"),
          ("Chỉ có giá trị trong nội bộ cơ quan", "Only inside the agency")),
        Q(1, "Khi nhận thư điện tử yêu cầu nhập mật khẩu và mã OTP để \"xác minh tài khoản\", "
             "công chức nên làm gì?",
          "An e-mail asks you to enter your password and OTP to \"verify your account\". What "
          "should you do?", "c",
          ("Nhập ngay để tránh bị khoá tài khoản", "Enter them at once to avoid a lockout"),
          ("Chuyển tiếp cho đồng nghiệp để hỏi ý kiến", "Forward it to colleagues for advice"),
          ("Không bấm vào liên kết, không cung cấp thông tin, báo cho bộ phận công nghệ thông "
           "tin và xác minh qua kênh khác",
           "Click nothing, give nothing, report to IT and check through another channel"),
          ("Trả lời thư để hỏi lại người gửi", "Reply to ask the sender")),
        Q(1, "Mật khẩu nào sau đây phù hợp với quy định an toàn thông tin?",
          "Which password meets the information-security rules?", "d",
          ("Tên đăng nhập kèm năm sinh", "Your user name and birth year"),
          ("123456", "123456"),
          ("Cùng một mật khẩu cho mọi hệ thống để dễ nhớ", "One password for every system"),
          ("Một cụm dài, riêng cho từng hệ thống, không chứa thông tin cá nhân",
           "A long phrase, different for each system, with no personal data")),
        Q(1, "Chữ ký số của công chức được sử dụng như thế nào?",
          "How may an officer's digital signature be used?", "b",
          ("Có thể giao cho văn thư ký thay khi bận", "A clerk may sign with it when busy"),
          ("Chỉ người được cấp sử dụng; không giao thiết bị, không tiết lộ mã PIN",
           "Only by its holder; never hand over the token or disclose the PIN"),
          ("Dùng chung trong phòng để tiết kiệm chi phí", "Shared in the office to save cost"),
          ("Chỉ dùng cho văn bản gửi ra nước ngoài", "Only for documents sent abroad")),
        Q(2, "Nhóm trao đổi trên ứng dụng nhắn tin của đội được dùng đúng mục đích trong "
             "trường hợp nào?",
          "When is the team's chat group used properly?", "c",
          ("Gửi danh sách doanh nghiệp trong diện điều tra", "To share companies under "
           "investigation"),
          ("Thay cho văn bản chỉ đạo chính thức", "Instead of official instructions"),
          ("Thông báo nhanh lịch họp, nhắc việc không chứa thông tin mật",
           "Quick notices of meetings and reminders with no confidential information"),
          ("Chuyển tài liệu có đóng dấu Mật", "To pass documents marked Confidential")),
        Q(2, "Những việc nào là đúng khi rời khỏi chỗ làm việc trong giờ hành chính?",
          "Which are right when you leave your desk during office hours?", "ab",
          ("Khoá màn hình máy tính", "Lock the screen"),
          ("Cất thiết bị ký số, không để trên bàn", "Put away the signing token"),
          ("Để máy đăng nhập sẵn để đồng nghiệp dùng chung tài khoản",
           "Stay logged in so colleagues can use your account"),
          ("Dán mật khẩu lên màn hình để khỏi quên", "Stick the password on the screen")),
        Q(2, "Một USB không rõ nguồn gốc được tìm thấy ở hành lang cơ quan. Cách xử lý đúng?",
          "A USB stick of unknown origin is found in the corridor. What is right?", "a",
          ("Không cắm vào máy tính; giao cho bộ phận công nghệ thông tin",
           "Do not plug it in; hand it to IT"),
          ("Cắm vào máy để tìm chủ sở hữu", "Plug it in to find its owner"),
          ("Cắm vào máy không kết nối mạng rồi mở các tệp",
           "Plug it into an offline computer and open the files"),
          ("Định dạng lại rồi dùng cho công việc", "Format it and use it for work")),
        Q(2, "Theo lộ trình chuyển đổi số, \"số hoá quy trình\" (digitalisation) khác \"số hoá\" "
             "(digitisation) ở điểm nào?",
          "In the path to digital transformation, how does digitalisation differ from "
          "digitisation?", "d",
          ("Không có khác biệt", "There is none"),
          ("Số hoá quy trình chỉ là quét tài liệu giấy", "Digitalisation is scanning paper"),
          ("Số hoá quy trình là mua thêm máy tính", "Digitalisation is buying computers"),
          ("Số hoá chuyển đổi dạng thông tin; số hoá quy trình đổi mới cách thực hiện quy trình "
           "trên môi trường số",
           "Digitisation changes the form of information; digitalisation redesigns the "
           "process on digital systems")),
        Q(3, "Công chức cần soạn báo cáo có nội dung thuộc bí mật nhà nước độ Mật. Cách làm "
             "đúng là gì?",
          "An officer must write a report classified Confidential (state secret). What is "
          "right?", "b",
          ("Soạn trên máy tính nối mạng Internet rồi xoá tệp sau khi in",
           "Write it on an Internet-connected computer and delete the file after printing"),
          ("Soạn trên máy tính không kết nối Internet, được phép dùng cho bí mật nhà nước, và "
           "chuyển theo kênh được phép",
           "Write it on an authorised computer with no Internet connection and pass it "
           "through permitted channels"),
          ("Gửi qua thư điện tử cá nhân để bảo mật hơn", "Send it by personal e-mail"),
          ("Lưu trên dịch vụ lưu trữ đám mây công cộng có mật khẩu",
           "Store it on a public cloud with a password")),
        Q(3, "Đồng nghiệp lỡ bấm vào liên kết lừa đảo và nhập mật khẩu hệ thống nghiệp vụ. "
             "Những việc nào cần làm ngay?",
          "A colleague clicked a phishing link and typed their business-system password. What "
          "must be done at once?", "acd",
          ("Đổi mật khẩu ngay", "Change the password at once"),
          ("Giữ kín để tránh bị kỷ luật", "Keep quiet to avoid discipline"),
          ("Báo ngay cho bộ phận công nghệ thông tin", "Report to IT at once"),
          ("Kiểm tra và báo các hoạt động bất thường trên tài khoản",
           "Check and report unusual activity on the account")),
        Q(3, "Đơn vị muốn dùng một công cụ trực tuyến miễn phí chưa được cơ quan cho phép để "
             "dịch các hồ sơ doanh nghiệp. Ý kiến nào đúng?",
          "A unit wants to use a free online tool, not approved by the agency, to translate "
          "company files. Which opinion is right?", "c",
          ("Được dùng vì tiết kiệm thời gian", "Allowed: it saves time"),
          ("Được dùng nếu xoá tên doanh nghiệp trong tiêu đề", "Allowed if the title hides "
           "the company name"),
          ("Không đưa dữ liệu nghiệp vụ lên công cụ chưa được phép; đề xuất giải pháp được "
           "cơ quan phê duyệt",
           "Do not put business data on unapproved tools; propose a solution the agency "
           "approves"),
          ("Được dùng ngoài giờ làm việc", "Allowed outside office hours")),
        Q(3, "Khi xây dựng kế hoạch học tập cá nhân trên nền tảng số, bước đầu tiên hợp lý là "
             "gì?",
          "When building a personal learning plan on the platform, what is a sensible first "
          "step?", "a",
          ("Xác định yêu cầu năng lực của vị trí việc làm và tự đánh giá khoảng thiếu hụt",
           "Find what the job position requires and assess your own gaps"),
          ("Đăng ký thật nhiều khoá học cùng lúc", "Enrol in as many courses as possible"),
          ("Chọn khoá học ngắn nhất", "Pick the shortest course"),
          ("Chờ đơn vị phân công khoá học", "Wait for the unit to assign courses")),
    ],
    # -- CHUNG.03 Phân tích dữ liệu ----------------------------------------------------------
    "CHUNG.03": [
        Q(1, "Đại lượng nào ít bị ảnh hưởng bởi giá trị bất thường hơn?",
          "Which statistic is less affected by outliers?", "b",
          ("Trung bình cộng", "The mean"), ("Trung vị", "The median"),
          ("Tổng", "The sum"), ("Giá trị lớn nhất", "The maximum")),
        Q(1, "Tiêu chí nào KHÔNG thuộc sáu tiêu chí chất lượng dữ liệu?",
          "Which is NOT one of the six data-quality criteria?", "d",
          ("Đầy đủ", "Completeness"), ("Chính xác", "Accuracy"), ("Kịp thời", "Timeliness"),
          ("Đẹp mắt", "Attractiveness")),
        Q(1, "Biểu đồ nào phù hợp nhất để thể hiện số tờ khai theo từng tháng trong năm?",
          "Which chart best shows the number of declarations per month over a year?", "c",
          ("Biểu đồ tròn", "A pie chart"), ("Biểu đồ phân tán", "A scatter plot"),
          ("Biểu đồ đường", "A line chart"), ("Bảng màu nhiệt", "A heat map")),
        Q(1, "Khi tổ chức dữ liệu trong bảng tính để phân tích, nguyên tắc nào đúng?",
          "Which rule is right when laying out data in a spreadsheet for analysis?", "a",
          ("Mỗi dòng một bản ghi, mỗi cột một thuộc tính, một dòng tiêu đề, không gộp ô",
           "One row per record, one column per attribute, one header row, no merged cells"),
          ("Gộp ô để bảng gọn hơn", "Merge cells to tidy the table"),
          ("Nhiều dòng tiêu đề cho dễ đọc", "Several header rows for readability"),
          ("Ghi chú xen giữa các dòng dữ liệu", "Notes between the data rows")),
        Q(2, "Tứ phân vị của đơn giá một mặt hàng là Q1 = 5,40 và Q3 = 6,10 USD. Theo quy tắc "
             "IQR, cận dưới để nhận diện ngoại lai là bao nhiêu?",
          "The unit-price quartiles of an item are Q1 = 5.40 and Q3 = 6.10 USD. By the IQR "
          "rule, what is the lower fence for outliers?", "b",
          ("5,05 USD", "5.05 USD"), ("4,35 USD", "4.35 USD"), ("4,70 USD", "4.70 USD"),
          ("3,20 USD", "3.20 USD")),
        Q(2, "Trong 700 tờ khai được kiểm tra có 26 tờ khai phát hiện vi phạm, trên tổng số "
             "10.000 tờ khai. Tỷ lệ phát hiện đúng là bao nhiêu?",
          "Of 10,000 declarations, 700 were inspected and 26 of those showed a violation. "
          "What is the detection rate?", "a",
          ("Khoảng 3,7% (26/700)", "About 3.7% (26/700)"),
          ("0,26% (26/10.000)", "0.26% (26/10,000)"),
          ("7% (700/10.000)", "7% (700/10,000)"),
          ("26%", "26%")),
        Q(2, "Giá bình quân của tổng lượng hàng nhập khẩu từ nhiều lô có số lượng khác nhau "
             "được tính thế nào?",
          "How is the average price of all the quantity imported in lots of different sizes "
          "computed?", "c",
          ("Trung bình cộng các đơn giá", "The mean of the unit prices"),
          ("Trung vị các đơn giá", "The median of the unit prices"),
          ("Tổng trị giá chia cho tổng lượng (trung bình gia quyền)",
           "Total value divided by total quantity (a weighted mean)"),
          ("Đơn giá của lô lớn nhất", "The unit price of the largest lot")),
        Q(2, "Khi so sánh đơn giá giữa các lô hàng để tìm dấu hiệu khai thấp, cần bảo đảm "
             "những điều kiện nào?",
          "Comparing unit prices between lots to find under-valuation, which conditions must "
          "hold?", "abd",
          ("Cùng mã số hàng hoá", "The same tariff code"),
          ("Cùng đơn vị tính", "The same unit of quantity"),
          ("Cùng người khai hải quan", "The same declarant"),
          ("Cùng cơ sở trị giá, thời gian gần nhau", "The same valuation basis, close in time")),
        Q(3, "Báo cáo cho thấy thời gian thông quan trung bình 5,3 giờ nhưng trung vị 2 giờ. "
             "Cách trình bày nào phù hợp nhất?",
          "A report shows a mean clearance time of 5.3 hours but a median of 2 hours. What is "
          "the best way to report it?", "d",
          ("Chỉ báo cáo trung bình vì là số quen thuộc", "Report the mean only"),
          ("Loại bỏ các tờ khai có thời gian dài", "Drop the long declarations"),
          ("Báo cáo tổng thời gian của tất cả tờ khai", "Report the total time"),
          ("Báo cáo trung vị kèm phân vị cao (ví dụ phân vị 90) và giải thích phân bố lệch",
           "Report the median with a high percentile (e.g. the 90th) and explain the skew")),
        Q(3, "Một tờ khai có đơn giá bằng 36,8% trung vị của nhóm so sánh và nằm dưới cận "
             "dưới IQR. Kết luận nào đúng?",
          "A declaration's unit price is 36.8% of its comparison group's median and below the "
          "IQR lower fence. Which conclusion is right?", "b",
          ("Khẳng định doanh nghiệp khai sai trị giá và ấn định thuế",
           "The company misdeclared; assess the duty"),
          ("Đây là dấu hiệu nghi vấn cần kiểm tra, tham vấn và xác định trị giá theo đúng "
           "trình tự pháp luật",
           "It is a suspicion to check, consult on and value by the legal procedure"),
          ("Bỏ qua vì tờ khai đã thông quan", "Ignore it: the goods are cleared"),
          ("Lấy trung vị làm trị giá tính thuế", "Use the median as the customs value")),
        Q(3, "Cán bộ được đề nghị cung cấp số liệu nhập khẩu của một mặt hàng chỉ có hai "
             "doanh nghiệp nhập khẩu cho một bài báo. Cách làm đúng?",
          "A journalist asks for import figures of a product that only two companies import. "
          "What is right?", "c",
          ("Cung cấp đầy đủ vì là số liệu thống kê", "Give them: they are statistics"),
          ("Cung cấp nhưng bỏ tên doanh nghiệp", "Give them without the company names"),
          ("Không tự cung cấp; nhóm quá nhỏ có thể làm lộ thông tin người nộp thuế, phải gộp "
           "hoặc ẩn và chuyển đầu mối có thẩm quyền",
           "Do not give them yourself: such a small group reveals taxpayers' data; merge or "
           "hide it and refer to the authorised contact point"),
          ("Cung cấp nếu doanh nghiệp lớn đồng ý qua điện thoại",
           "Give them if the larger company agrees by phone")),
        Q(3, "Một tiêu chí phân luồng có tỷ lệ phát hiện 2%, trong khi mẫu kiểm tra ngẫu nhiên "
             "cùng nhóm hàng có tỷ lệ vi phạm 3%. Nhận định nào đúng?",
          "A selection criterion detects 2% while random checks of the same goods find 3% "
          "violations. Which is right?", "a",
          ("Tiêu chí không hiệu quả hơn lựa chọn ngẫu nhiên, cần sửa đổi hoặc dừng",
           "The criterion does no better than chance and must be revised or stopped"),
          ("Tiêu chí hiệu quả vì có phát hiện", "It works: it detects something"),
          ("Cần tăng tỷ lệ luồng đỏ của tiêu chí", "Raise its red-channel rate"),
          ("Không thể so sánh hai tỷ lệ này", "The two rates cannot be compared")),
    ],
    # -- CHUNG.04 Tiếng Anh chuyên ngành hải quan --------------------------------------------
    "CHUNG.04": [
        Q(1, "Trong tiếng Anh chuyên ngành, \"consignee\" là ai?",
          "In customs English, who is the \"consignee\"?", "b",
          ("Người gửi hàng", "The sender of the goods"),
          ("Người nhận hàng", "The receiver of the goods"),
          ("Người vận chuyển", "The carrier"), ("Đại lý hải quan", "The customs broker")),
        Q(1, "Câu hỏi nào dùng để hỏi hành khách có hàng hoá phải khai báo hay không?",
          "Which question asks a passenger whether they have goods to declare?", "c",
          ("Where are you staying?", "Where are you staying?"),
          ("How long is your flight?", "How long is your flight?"),
          ("Do you have anything to declare?", "Do you have anything to declare?"),
          ("Can you speak Vietnamese?", "Can you speak Vietnamese?")),
        Q(1, "Từ nào có nghĩa là \"tịch thu\" (theo quyết định)?",
          "Which word means \"confiscate\" (by a decision)?", "a",
          ("Confiscate", "Confiscate"), ("Detain", "Detain"), ("Declare", "Declare"),
          ("Release", "Release")),
        Q(1, "Trên hoá đơn thương mại, \"N.W.\" là viết tắt của gì?",
          "On a commercial invoice, what does \"N.W.\" stand for?", "d",
          ("Number of wagons", "Number of wagons"), ("New warehouse", "New warehouse"),
          ("No warranty", "No warranty"), ("Net weight (trọng lượng tịnh)", "Net weight")),
        Q(2, "Chọn câu đúng ngữ pháp:", "Choose the grammatically correct sentence:", "b",
          ("The goods is inspected.", "The goods is inspected."),
          ("The goods are inspected.", "The goods are inspected."),
          ("The good are inspected.", "The good are inspected."),
          ("The goods has been inspect.", "The goods has been inspect.")),
        Q(2, "Thư bắt đầu bằng \"Dear Sir or Madam\" thì kết thư thế nào cho đúng?",
          "A letter that opens with \"Dear Sir or Madam\" closes with:", "a",
          ("Yours faithfully", "Yours faithfully"), ("Yours sincerely", "Yours sincerely"),
          ("Cheers", "Cheers"), ("See you", "See you")),
        Q(2, "Hoá đơn ghi điều kiện FOB, trị giá 5,220.00 USD; cước vận tải quốc tế 150.00 USD, "
             "bảo hiểm 15.00 USD. Trị giá tính đến cửa khẩu nhập đầu tiên là bao nhiêu?",
          "An invoice is FOB, USD 5,220.00; international freight USD 150.00, insurance USD "
          "15.00. What is the value up to the first port of import?", "c",
          ("USD 5,220.00", "USD 5,220.00"), ("USD 5,370.00", "USD 5,370.00"),
          ("USD 5,385.00", "USD 5,385.00"), ("USD 5,235.00", "USD 5,235.00")),
        Q(2, "Chọn cách dùng đúng:", "Choose the correct usage:", "d",
          ("We will discuss about the duty.", "We will discuss about the duty."),
          ("We look forward to receive your reply.", "We look forward to receive your reply."),
          ("The company must comply the regulation.", "The company must comply the "
           "regulation."),
          ("We look forward to receiving your reply.", "We look forward to receiving your "
           "reply.")),
        Q(3, "Cách diễn đạt nào phù hợp nhất để đề nghị hải quan nước ngoài xác minh một chứng "
             "từ?",
          "Which wording best asks a foreign customs administration to verify a document?", "b",
          ("Send us the information now.", "Send us the information now."),
          ("We would be grateful if you could verify the attached certificate of origin by "
           "30 June and treat this request as confidential.",
           "We would be grateful if you could verify the attached certificate of origin by "
           "30 June and treat this request as confidential."),
          ("You must check this paper.", "You must check this paper."),
          ("Please tell us everything about this company.", "Please tell us everything about "
           "this company.")),
        Q(3, "Khi giải thích khái niệm \"giải phóng hàng\" cho đối tác nước ngoài, cách nào "
             "phù hợp?",
          "Explaining \"giải phóng hàng\" to a foreign partner, what is best?", "c",
          ("Dịch là \"clearance\"", "Translate it as \"clearance\""),
          ("Dịch là \"liberation of goods\"", "Translate it as \"liberation of goods\""),
          ("Dùng \"release\" và giải thích rằng hàng được giao cho chủ hàng trước khi hoàn "
           "thành thủ tục, thường khi chưa xác định được số thuế chính thức",
           "Use \"release\" and explain that the goods are handed to the owner before the "
           "procedure is complete, usually while the final duty is not yet determined"),
          ("Không cần giải thích", "No explanation is needed")),
        Q(3, "Những cặp từ nào được phân biệt đúng?",
          "Which pairs are told apart correctly?", "ad",
          ("Inspection: kiểm tra hàng hoá; audit: kiểm tra sổ sách, chứng từ (như KTSTQ)",
           "Inspection: checking goods; audit: checking books and records (as in PCA)"),
          ("Customs: phong tục; custom: cơ quan hải quan", "Customs: traditions; custom: the "
           "customs administration"),
          ("Violation và offence luôn đồng nghĩa", "Violation and offence always mean the "
           "same"),
          ("Consignor: người gửi hàng; consignee: người nhận hàng",
           "Consignor: sender; consignee: receiver")),
        Q(3, "Tổ chức Hải quan Thế giới (WCO) có trụ sở ở đâu và Việt Nam là thành viên từ năm "
             "nào?",
          "Where is the World Customs Organization based, and since when is Viet Nam a "
          "member?", "a",
          ("Brussels; từ năm 1993", "Brussels; since 1993"),
          ("Geneva; từ năm 2007", "Geneva; since 2007"),
          ("Paris; từ năm 1995", "Paris; since 1995"),
          ("Brussels; từ năm 2015", "Brussels; since 2015")),
    ],
    # -- GSQL.01 Thủ tục hải quan điện tử ----------------------------------------------------
    "GSQL.01": [
        Q(1, "Hệ thống thông quan tự động của Hải quan Việt Nam có tên là gì?",
          "What is the name of Viet Nam Customs' automated clearance system?", "c",
          ("ASYCUDA", "ASYCUDA"), ("NACCS", "NACCS"), ("VNACCS/VCIS", "VNACCS/VCIS"),
          ("e-Manifest", "e-Manifest")),
        Q(1, "Luồng vàng (mã 2) trong phân luồng tờ khai có nghĩa là gì?",
          "What does the yellow channel (code 2) mean?", "b",
          ("Miễn kiểm tra chi tiết hồ sơ và thực tế", "No detailed check of file or goods"),
          ("Kiểm tra chi tiết hồ sơ, miễn kiểm tra thực tế hàng hoá",
           "Detailed check of the file, no physical inspection"),
          ("Kiểm tra chi tiết hồ sơ và kiểm tra thực tế hàng hoá",
           "Detailed check of the file and physical inspection"),
          ("Chuyển kiểm tra sau thông quan", "Referred to post-clearance audit")),
        Q(1, "Trên VNACCS, nghiệp vụ nào dùng để khai trước thông tin tờ khai nhập khẩu?",
          "On VNACCS, which transaction enters the advance information of an import "
          "declaration?", "a",
          ("IDA", "IDA"), ("IDC", "IDC"), ("EDA", "EDA"), ("IDE", "IDE")),
        Q(1, "Nguyên tắc về phương thức khai hải quan theo Luật Hải quan 2014 là gì?",
          "What is the rule on how to declare under the Customs Law 2014?", "d",
          ("Khai giấy là chủ yếu, khai điện tử là ngoại lệ", "Paper as the rule"),
          ("Người khai tự chọn, không ưu tiên", "The declarant chooses freely"),
          ("Khai bằng lời tại cửa khẩu", "Oral declaration at the border"),
          ("Khai điện tử là nguyên tắc, khai giấy là ngoại lệ trong trường hợp quy định",
           "Electronic declaration as the rule, paper only in the cases provided")),
        Q(1, "Văn bản nào quy định chi tiết thủ tục hải quan, kiểm tra, giám sát hải quan "
             "(đã được sửa đổi bởi Thông tư 39/2018/TT-BTC)?",
          "Which text details customs procedures, inspection and supervision (amended by "
          "Circular 39/2018/TT-BTC)?", "b",
          ("Thông tư 39/2015/TT-BTC", "Circular 39/2015/TT-BTC"),
          ("Thông tư 38/2015/TT-BTC", "Circular 38/2015/TT-BTC"),
          ("Thông tư 200/2014/TT-BTC", "Circular 200/2014/TT-BTC"),
          ("Nghị định 128/2020/NĐ-CP", "Decree 128/2020/NĐ-CP")),
        Q(2, "Sau khi đăng ký tờ khai, hệ thống phân luồng đỏ. Các bước tiếp theo đúng trình "
             "tự là gì?",
          "After registration the system selects the red channel. What comes next, in "
          "order?", "c",
          ("Thông quan ngay, kiểm tra thực tế sau", "Clear at once, inspect later"),
          ("Chỉ kiểm tra hồ sơ rồi thông quan", "Check the file only, then clear"),
          ("Kiểm tra chi tiết hồ sơ và kiểm tra thực tế hàng hoá, ghi nhận kết quả trên hệ "
           "thống, hoàn thành nghĩa vụ thuế rồi quyết định thông quan",
           "Check the file and inspect the goods, record the results in the system, settle "
           "the duties, then decide on clearance"),
          ("Chuyển hồ sơ cho cơ quan điều tra", "Send the file to investigators")),
        Q(2, "Doanh nghiệp phát hiện khai sai số lượng sau khi khai trước thông tin (IDA) nhưng "
             "chưa đăng ký tờ khai. Cách xử lý đúng?",
          "The company notices a wrong quantity after entering advance information (IDA) but "
          "before registering. What is right?", "a",
          ("Sửa thông tin đã khai trước rồi mới đăng ký tờ khai (IDC)",
           "Correct the advance information, then register (IDC)"),
          ("Đăng ký tờ khai rồi đề nghị huỷ", "Register, then ask to cancel"),
          ("Không cần sửa vì cơ quan hải quan sẽ tự điều chỉnh",
           "No need: Customs will correct it"),
          ("Nộp văn bản giấy giải trình tại Chi cục", "File a paper explanation")),
        Q(2, "Trường hợp kiểm tra thực tế hàng hoá có số lượng lớn, phức tạp, thời hạn kiểm "
             "tra có thể được gia hạn tối đa bao lâu?",
          "For large or complex consignments, how far can the physical-inspection period be "
          "extended?", "b",
          ("Không được gia hạn", "No extension"), ("Không quá 02 ngày", "At most 2 days"),
          ("Không quá 15 ngày", "At most 15 days"), ("Không quá 30 ngày", "At most 30 days")),
        Q(2, "Khi thông tin, chứng từ đã có trên Cơ chế một cửa quốc gia, công chức xử lý thế "
             "nào?",
          "When documents are already on the National Single Window, what does the officer "
          "do?", "d",
          ("Yêu cầu doanh nghiệp nộp thêm bản giấy có đóng dấu", "Ask for stamped paper "
           "copies"),
          ("Không cần kiểm tra gì thêm", "Check nothing more"),
          ("Yêu cầu bộ, ngành gửi công văn xác nhận", "Ask the ministry for a letter"),
          ("Sử dụng dữ liệu điện tử, không yêu cầu bản giấy, nhưng vẫn kiểm tra sự phù hợp với "
           "hàng hoá",
           "Use the electronic data, ask for no paper, but still check it matches the "
           "goods")),
        Q(2, "Những thông tin nào thường là nguồn lỗi khai báo cần rà soát kỹ?",
          "Which fields are common sources of declaration errors to review?", "abc",
          ("Mã số hàng hoá", "The tariff code"), ("Trị giá", "The value"),
          ("Số lượng, đơn vị tính", "Quantity and unit"),
          ("Màu chữ trên tờ khai", "The font colour of the declaration")),
        Q(3, "Tờ khai luồng xanh đã được thông quan; sau đó cơ quan hải quan nhận được thông "
             "tin lô hàng có dấu hiệu khai sai xuất xứ. Hướng xử lý phù hợp?",
          "A green-channel declaration was cleared; Customs then learns the origin may have "
          "been misdeclared. What is appropriate?", "c",
          ("Không xử lý vì luồng xanh đã miễn kiểm tra", "Nothing: green means no check"),
          ("Thu hồi quyết định thông quan và tịch thu hàng", "Revoke clearance and confiscate"),
          ("Cập nhật thông tin rủi ro và đề xuất kiểm tra sau thông quan trong thời hạn luật "
           "định",
           "Update the risk information and propose a post-clearance audit within the legal "
           "period"),
          ("Yêu cầu doanh nghiệp tái xuất hàng", "Order the goods re-exported")),
        Q(3, "Hệ thống cảnh báo một thông tin trên tờ khai không khớp với bản lược khai hàng "
             "hoá. Công chức xử lý đúng cách nào?",
          "The system warns that the declaration does not match the cargo manifest. What "
          "should the officer do?", "a",
          ("Không bỏ qua cảnh báo; kiểm tra, yêu cầu làm rõ hoặc khai bổ sung theo quy định "
           "và ghi nhận kết quả",
           "Not ignore it: check, ask for clarification or an amendment as provided, and "
           "record the outcome"),
          ("Bỏ qua vì hệ thống thường cảnh báo sai", "Ignore it: the system often errs"),
          ("Thông quan rồi báo cáo sau", "Clear and report later"),
          ("Tự sửa thông tin trên tờ khai cho khớp", "Edit the declaration to match")),
        Q(3, "Thực hành nào thể hiện đúng tinh thần cải cách thủ tục hành chính khi kiểm tra "
             "hồ sơ?",
          "Which practice follows the spirit of administrative reform when checking files?",
          "bd",
          ("Yêu cầu bổ sung chứng từ nhiều lần, mỗi lần một loại", "Ask for documents one at "
           "a time"),
          ("Yêu cầu bổ sung một lần, đầy đủ, có căn cứ", "Ask for everything missing once, "
           "with the legal basis"),
          ("Đòi thêm chứng từ ngoài quy định để chắc chắn", "Ask for extra documents to be "
           "safe"),
          ("Hoàn thành trong thời hạn luật định và ghi nhận kết quả trung thực",
           "Finish within the legal time and record the results truthfully")),
        Q(3, "Nộp thuế điện tử được ghi nhận thế nào để làm cơ sở thông quan?",
          "How is electronic payment of duties recorded as a basis for clearance?", "c",
          ("Doanh nghiệp mang giấy nộp tiền đến Chi cục", "The company brings the receipt"),
          ("Công chức gọi điện cho ngân hàng xác nhận", "The officer phones the bank"),
          ("Thông tin nộp thuế qua ngân hàng, Cổng thanh toán điện tử hải quan được truyền tự "
           "động về hệ thống",
           "Payment through banks or the customs e-payment portal is transmitted to the "
           "system automatically"),
          ("Không cần ghi nhận vì thuế nộp sau thông quan", "Not needed: duties are paid "
           "after clearance")),
        Q(3, "Doanh nghiệp đề nghị giải phóng hàng khi chưa xác định được số thuế chính thức "
             "do chờ kết quả giám định. Điều kiện cơ bản là gì?",
          "The company asks for release while the final duty awaits an expert analysis. "
          "What is the basic condition?", "b",
          ("Không có điều kiện, cơ quan hải quan phải đồng ý",
           "None: Customs must agree"),
          ("Nộp thuế theo số tự kê khai, tính thuế hoặc được tổ chức tín dụng bảo lãnh theo "
           "quy định",
           "Pay the self-assessed duty or have it guaranteed by a credit institution as "
           "provided"),
          ("Cam kết bằng lời sẽ nộp sau", "An oral promise to pay later"),
          ("Nộp gấp đôi số thuế dự kiến", "Pay double the expected duty")),
    ],
    # -- GSQL.02 Kiểm tra, giám sát hàng hoá -------------------------------------------------
    "GSQL.02": [
        Q(1, "Phương thức giám sát hải quan theo Luật Hải quan 2014 gồm những phương thức nào?",
          "Which are the methods of customs supervision under the Customs Law 2014?", "abc",
          ("Niêm phong hải quan", "Customs seals"),
          ("Giám sát trực tiếp do công chức hải quan thực hiện",
           "Direct supervision by customs officers"),
          ("Giám sát bằng thiết bị kỹ thuật", "Supervision by technical equipment"),
          ("Giám sát qua báo cáo của chủ hàng", "The owner's reports")),
        Q(1, "Mục đích của giám sát hải quan là gì?",
          "What is customs supervision for?", "d",
          ("Tính thuế cho hàng hoá", "To assess duties"),
          ("Xác định xuất xứ", "To determine origin"),
          ("Thu phí lưu kho", "To collect storage fees"),
          ("Bảo đảm nguyên trạng hàng hoá đang thuộc đối tượng quản lý hải quan",
           "To keep goods under customs control unchanged")),
        Q(1, "Kiểm tra thực tế hàng hoá được thực hiện khi nào?",
          "When are goods physically inspected?", "a",
          ("Khi tờ khai được phân luồng đỏ hoặc theo quyết định của người có thẩm quyền trên "
           "cơ sở quản lý rủi ro",
           "When the declaration is in the red channel, or on an authorised decision based "
           "on risk management"),
          ("Với mọi tờ khai nhập khẩu", "For every import declaration"),
          ("Chỉ khi doanh nghiệp yêu cầu", "Only at the company's request"),
          ("Chỉ với hàng xuất khẩu", "Only for exports")),
        Q(1, "Khi lấy mẫu hàng hoá để phân tích, giám định, công chức phải làm gì?",
          "When taking samples for analysis, what must the officer do?", "c",
          ("Lấy mẫu không cần thông báo cho người khai", "Take them without telling the "
           "declarant"),
          ("Chỉ ghi chép vào sổ tay cá nhân", "Note it in a personal notebook"),
          ("Lập biên bản lấy mẫu, niêm phong mẫu, có xác nhận của người khai hải quan",
           "Draw up a sampling record, seal the samples, with the declarant's confirmation"),
          ("Giao mẫu cho doanh nghiệp tự gửi đi phân tích", "Let the company send them")),
        Q(2, "Khi kiểm tra thực tế, công chức phát hiện số kiện nhiều hơn số khai trên tờ "
             "khai. Việc cần làm trước tiên là gì?",
          "During inspection the officer finds more packages than declared. What comes "
          "first?", "b",
          ("Thông quan số kiện đã khai, trả lại số thừa", "Clear the declared packages, hand "
           "back the rest"),
          ("Ghi nhận đầy đủ, trung thực kết quả kiểm tra, lập biên bản và báo cáo để xử lý "
           "theo quy định",
           "Record the findings fully and truthfully, draw up a report and refer it for "
           "handling as provided"),
          ("Yêu cầu doanh nghiệp khai bổ sung rồi bỏ qua", "Ask for an amendment and move "
           "on"),
          ("Tịch thu ngay toàn bộ lô hàng", "Confiscate the whole consignment")),
        Q(2, "Niêm phong hải quan bị rách khi container đến địa điểm kiểm tra. Cách xử lý "
             "đúng?",
          "A customs seal is broken when the container arrives for inspection. What is "
          "right?", "d",
          ("Niêm phong lại và cho qua", "Reseal and let it go"),
          ("Bỏ qua nếu doanh nghiệp giải thích", "Ignore it if the company explains"),
          ("Trả container về cảng xếp hàng", "Send it back to the port of loading"),
          ("Lập biên bản ghi nhận tình trạng, kiểm tra thực tế hàng hoá, xác minh trách "
           "nhiệm và báo cáo",
           "Record the state, inspect the goods, establish responsibility and report")),
        Q(2, "Máy soi container được sử dụng trong kiểm tra thực tế nhằm mục đích gì?",
          "What are container scanners used for in physical inspection?", "a",
          ("Kiểm tra không xâm nhập, phát hiện dấu hiệu bất thường để quyết định kiểm tra "
           "thủ công khi cần",
           "Non-intrusive inspection: spotting anomalies to decide on a manual examination "
           "when needed"),
          ("Thay thế hoàn toàn kiểm tra hồ sơ", "To replace the file check"),
          ("Xác định trị giá hàng hoá", "To value the goods"),
          ("Tính thuế tự động", "To compute duties")),
        Q(2, "Khi kiểm tra thực tế hàng hoá, người khai hải quan có nghĩa vụ gì?",
          "During physical inspection, what is the declarant's duty?", "c",
          ("Không cần có mặt", "None: they need not attend"),
          ("Tự kiểm tra thay công chức", "To inspect in the officer's place"),
          ("Có mặt, xuất trình hàng hoá, thực hiện yêu cầu của công chức (mở, đóng gói, di "
           "chuyển hàng)",
           "Attend, present the goods and do what the officer asks (open, repack, move "
           "them)"),
          ("Chỉ ký biên bản sau khi kiểm tra", "Only sign the record afterwards")),
        Q(3, "Hàng hoá vận chuyển chịu sự giám sát hải quan từ cửa khẩu về địa điểm kiểm tra "
             "nội địa bị chậm 2 ngày so với thời gian quy định, niêm phong còn nguyên. Hướng "
             "xử lý?",
          "Goods moving under customs supervision from the border to an inland inspection "
          "site arrive 2 days late, seals intact. What now?", "b",
          ("Không xử lý vì niêm phong còn nguyên", "Nothing: the seals are intact"),
          ("Kiểm tra tình trạng hàng hoá, xác minh lý do chậm; vi phạm thời gian, tuyến "
           "đường bị xem xét xử lý theo quy định",
           "Check the goods, find out why they are late; a breach of time or route is "
           "handled as provided"),
          ("Tịch thu hàng hoá", "Confiscate the goods"),
          ("Huỷ tờ khai và yêu cầu khai lại", "Cancel the declaration and redeclare")),
        Q(3, "Kết quả phân tích mẫu cho thấy hàng hoá khác với mô tả khai báo, ảnh hưởng đến "
             "mã số và thuế suất. Những việc nào cần làm?",
          "The sample analysis shows goods different from the declared description, "
          "changing the tariff code and rate. What must be done?", "acd",
          ("Xác định lại mã số, tính lại thuế", "Reclassify and recompute the duty"),
          ("Giữ nguyên mã số đã khai để tránh khiếu nại", "Keep the declared code to avoid "
           "complaints"),
          ("Xem xét xử lý vi phạm khai sai theo quy định", "Consider a sanction for the "
           "misdeclaration"),
          ("Cập nhật thông tin vào hệ thống quản lý rủi ro", "Update the risk-management "
           "system")),
        Q(3, "Doanh nghiệp đề nghị kiểm tra thực tế hàng hoá tại chân công trình do hàng siêu "
             "trường, siêu trọng. Cơ sở xem xét là gì?",
          "The company asks for inspection at its construction site because the goods are "
          "oversized. What is the basis?", "a",
          ("Địa điểm kiểm tra khác được chấp nhận trong trường hợp pháp luật quy định, bảo "
           "đảm điều kiện giám sát",
           "Another inspection place is allowed in the cases the law provides, if "
           "supervision can be ensured"),
          ("Không bao giờ được chấp nhận", "Never allowed"),
          ("Luôn được chấp nhận nếu doanh nghiệp đề nghị", "Always allowed on request"),
          ("Chỉ chấp nhận với hàng xuất khẩu", "Allowed for exports only")),
        Q(3, "Tỷ lệ phát hiện vi phạm khi kiểm tra thực tế ở một địa điểm thấp kéo dài, trong "
             "khi kiểm tra sau thông quan lại phát hiện nhiều sai phạm của cùng nhóm hàng. Điều "
             "này gợi ý gì?",
          "Physical inspections at one site find few violations for a long time, while "
          "post-clearance audits find many for the same goods. What does this suggest?", "c",
          ("Doanh nghiệp tuân thủ tốt", "Companies comply well"),
          ("Nên bỏ kiểm tra thực tế", "Stop physical inspections"),
          ("Cần rà soát chất lượng kiểm tra thực tế và tiêu chí lựa chọn, phản hồi cho quản "
           "lý rủi ro",
           "Review the quality of inspections and the selection criteria, and feed back to "
           "risk management"),
          ("Kết quả kiểm tra sau thông quan không đáng tin", "The audits are unreliable")),
    ],
    # -- THUE.01 Xác định trị giá hải quan ---------------------------------------------------
    "THUE.01": [
        Q(1, "Trị giá hải quan của hàng nhập khẩu là giá thực tế phải trả tính đến đâu?",
          "Up to where is the customs value of imports the price actually payable?", "b",
          ("Cửa khẩu xuất của nước xuất khẩu", "The port of export"),
          ("Cửa khẩu nhập đầu tiên", "The first port of import"),
          ("Kho của người nhập khẩu", "The importer's warehouse"),
          ("Nơi sản xuất hàng hoá", "The place of production")),
        Q(1, "Phương pháp xác định trị giá hải quan đầu tiên, được ưu tiên áp dụng là "
             "phương pháp nào?",
          "Which valuation method comes first?", "a",
          ("Trị giá giao dịch", "Transaction value"),
          ("Trị giá giao dịch của hàng hoá giống hệt", "Transaction value of identical "
           "goods"),
          ("Phương pháp khấu trừ", "Deductive value"),
          ("Phương pháp suy luận", "Fall-back method")),
        Q(1, "Có bao nhiêu phương pháp xác định trị giá hải quan hàng nhập khẩu?",
          "How many methods are there to determine the customs value of imports?", "c",
          ("4", "4"), ("5", "5"), ("6", "6"), ("8", "8")),
        Q(1, "Văn bản nào quy định về trị giá hải quan hàng hoá xuất khẩu, nhập khẩu?",
          "Which text regulates the customs value of exports and imports?", "d",
          ("Thông tư 38/2015/TT-BTC", "Circular 38/2015/TT-BTC"),
          ("Nghị định 128/2020/NĐ-CP", "Decree 128/2020/NĐ-CP"),
          ("Thông tư 200/2014/TT-BTC", "Circular 200/2014/TT-BTC"),
          ("Thông tư 39/2015/TT-BTC (sửa đổi bởi Thông tư 60/2019/TT-BTC)",
           "Circular 39/2015/TT-BTC (amended by Circular 60/2019/TT-BTC)")),
        Q(2, "Khoản nào phải cộng vào trị giá giao dịch nếu người mua chịu và chưa nằm trong "
             "giá?",
          "Which item is added to the transaction value when the buyer bears it and it is "
          "not in the price?", "b",
          ("Hoa hồng mua hàng", "Buying commission"),
          ("Hoa hồng bán hàng", "Selling commission"),
          ("Chi phí lắp đặt sau nhập khẩu", "Installation after importation"),
          ("Cước vận tải nội địa sau cửa khẩu nhập", "Inland freight after import")),
        Q(2, "Khoản nào được trừ khỏi trị giá giao dịch nếu đã nằm trong giá và được tách "
             "riêng trên chứng từ?",
          "Which item is deducted when it is in the price and shown separately?", "d",
          ("Phí bản quyền là điều kiện mua bán", "Royalties that are a condition of sale"),
          ("Chi phí bao bì gắn liền với hàng hoá", "Packing forming a whole with the goods"),
          ("Phí môi giới", "Brokerage"),
          ("Chi phí lắp đặt, bảo dưỡng phát sinh sau khi nhập khẩu",
           "Installation and maintenance after importation")),
        Q(2, "Hàng hoá nhập khẩu là quà biếu tặng, không có hoạt động mua bán. Phương pháp trị "
             "giá giao dịch có áp dụng được không?",
          "Imported goods are a gift, with no sale. Can the transaction-value method apply?",
          "a",
          ("Không, vì không có hoạt động mua bán để xuất khẩu đến Việt Nam; xác định theo các "
           "phương pháp tiếp theo",
           "No: there is no sale for export to Viet Nam; use the following methods"),
          ("Có, lấy trị giá bằng 0", "Yes, at zero value"),
          ("Có, theo giá người biếu tặng tự khai", "Yes, at the value the giver states"),
          ("Không cần xác định trị giá", "No value is needed")),
        Q(2, "Người mua và người bán có quan hệ đặc biệt. Nhận định nào đúng?",
          "The buyer and the seller are related. Which is right?", "c",
          ("Trị giá giao dịch luôn bị bác bỏ", "The transaction value is always rejected"),
          ("Không ảnh hưởng gì, không cần xem xét", "It never matters"),
          ("Quan hệ đặc biệt không tự động dẫn đến bác bỏ; cần xem xét quan hệ có ảnh hưởng "
           "đến giá hay không",
           "The relationship alone does not reject the value; check whether it influenced "
           "the price"),
          ("Phải áp dụng phương pháp suy luận", "The fall-back method must be used")),
        Q(3, "Giá hoá đơn 100.000 USD (CIF). Người mua trả thêm cho người bán phí bản quyền "
             "8.000 USD là điều kiện mua bán, và trả 2.000 USD hoa hồng mua hàng cho đại lý "
             "của mình. Trị giá hải quan là bao nhiêu?",
          "The CIF invoice price is USD 100,000. The buyer also pays the seller USD 8,000 "
          "royalties as a condition of sale, and USD 2,000 buying commission to its own "
          "agent. What is the customs value?", "b",
          ("100.000 USD", "USD 100,000"), ("108.000 USD", "USD 108,000"),
          ("110.000 USD", "USD 110,000"), ("102.000 USD", "USD 102,000")),
        Q(3, "Một khoản phải cộng vào trị giá giao dịch nhưng không có số liệu khách quan, "
             "định lượng được. Hệ quả là gì?",
          "An item that must be added has no objective, quantifiable data. What follows?",
          "a",
          ("Không áp dụng được trị giá giao dịch, chuyển sang phương pháp tiếp theo",
           "The transaction value cannot be used; move to the next method"),
          ("Bỏ qua khoản đó", "Ignore the item"),
          ("Ước tính bằng 10% trị giá hoá đơn", "Estimate it at 10% of the invoice"),
          ("Ấn định thuế theo giá tham chiếu", "Assess using the reference price")),
        Q(3, "Cơ sở dữ liệu trị giá cho thấy tờ khai có giá thấp hơn nhiều so với mức giá tham "
             "chiếu. Cách làm đúng là gì?",
          "The valuation database shows a declared price far below the reference price. "
          "What is right?", "d",
          ("Lấy mức giá tham chiếu làm trị giá tính thuế", "Use the reference price as the "
           "customs value"),
          ("Bác bỏ ngay trị giá khai báo", "Reject the declared value at once"),
          ("Không làm gì vì người khai tự chịu trách nhiệm", "Nothing: the declarant is "
           "responsible"),
          ("Coi là dấu hiệu nghi vấn để kiểm tra, tham vấn; chỉ bác bỏ khi có căn cứ và xác "
           "định lại theo trình tự",
           "Treat it as a suspicion to check and consult on; reject only with grounds, "
           "then revalue by the procedure")),
        Q(3, "Người khai hải quan đề nghị áp dụng phương pháp trị giá tính toán trước phương "
             "pháp khấu trừ. Cơ quan hải quan xử lý thế nào?",
          "The declarant asks for the computed value before the deductive value. How does "
          "Customs respond?", "c",
          ("Từ chối vì phải theo đúng thứ tự", "Refuse: the order is fixed"),
          ("Chỉ chấp nhận nếu giá tính toán cao hơn", "Only if the computed value is higher"),
          ("Được chấp nhận: người khai có thể đề nghị đảo thứ tự giữa phương pháp khấu trừ "
           "và tính toán",
           "Accept: the declarant may ask to reverse the deductive and computed methods"),
          ("Áp dụng ngay phương pháp suy luận", "Use the fall-back method")),
    ],
    # -- THUE.02 Phân loại hàng hoá, áp mã HS -------------------------------------------------
    "THUE.02": [
        Q(1, "Hệ thống HS do tổ chức nào quản lý?", "Which organisation maintains the HS?", "a",
          ("Tổ chức Hải quan Thế giới (WCO)", "The World Customs Organization (WCO)"),
          ("Tổ chức Thương mại Thế giới (WTO)", "The World Trade Organization (WTO)"),
          ("Liên hợp quốc", "The United Nations"), ("ASEAN", "ASEAN")),
        Q(1, "Danh mục hàng hoá xuất khẩu, nhập khẩu Việt Nam chi tiết mã số đến bao nhiêu "
             "chữ số?",
          "To how many digits does Viet Nam's nomenclature detail the codes?", "c",
          ("4", "4"), ("6", "6"), ("8", "8"), ("10", "10")),
        Q(1, "Có bao nhiêu quy tắc tổng quát giải thích việc phân loại hàng hoá theo HS?",
          "How many General Interpretative Rules does the HS have?", "b",
          ("4", "4"), ("6", "6"), ("8", "8"), ("21", "21")),
        Q(1, "Theo Quy tắc 1, tên của phần, chương có giá trị gì?",
          "Under Rule 1, what are section and chapter titles for?", "d",
          ("Có giá trị pháp lý quyết định", "They decide the classification"),
          ("Quyết định phân nhóm 6 số", "They decide the 6-digit subheading"),
          ("Thay thế chú giải", "They replace the notes"),
          ("Chỉ để thuận tiện tra cứu; phân loại theo nội dung nhóm và chú giải",
           "For reference only; classification follows the heading texts and notes")),
        Q(2, "Hàng hoá chưa lắp ráp, ở dạng tháo rời nhưng khi lắp ráp thành sản phẩm hoàn "
             "chỉnh được phân loại theo quy tắc nào?",
          "Goods imported unassembled, which form a complete article once assembled, are "
          "classified by which rule?", "a",
          ("Quy tắc 2(a): phân loại như hàng hoá hoàn chỉnh", "Rule 2(a): as the complete "
           "article"),
          ("Quy tắc 3(c)", "Rule 3(c)"), ("Quy tắc 5(b)", "Rule 5(b)"),
          ("Quy tắc 4", "Rule 4")),
        Q(2, "Hàng hoá thoạt nhìn thuộc hai nhóm; chú giải không quy định khác. Quy tắc nào áp "
             "dụng trước tiên?",
          "Goods appear to fall in two headings and the notes say nothing. Which rule comes "
          "first?", "b",
          ("Quy tắc 3(c): nhóm có số thứ tự sau cùng", "Rule 3(c): the last heading"),
          ("Quy tắc 3(a): nhóm có mô tả cụ thể nhất", "Rule 3(a): the most specific "
           "description"),
          ("Quy tắc 4: hàng hoá giống nhất", "Rule 4: the most akin goods"),
          ("Chọn nhóm có thuế suất thấp hơn", "The heading with the lower rate")),
        Q(2, "Hộp đựng được thiết kế riêng cho một chiếc máy ảnh, dùng lâu dài, nhập khẩu và "
             "bán cùng máy ảnh, được phân loại thế nào?",
          "A case specially shaped for a camera, for long use, imported and sold with it, is "
          "classified how?", "c",
          ("Vào nhóm riêng của bao, hộp", "In its own heading for cases"),
          ("Theo nguyên liệu làm hộp", "By the case's material"),
          ("Cùng với máy ảnh theo Quy tắc 5(a)", "With the camera under Rule 5(a)"),
          ("Không phải khai báo", "It need not be declared")),
        Q(2, "Khi chọn phân nhóm theo Quy tắc 6, cần lưu ý điều gì?",
          "Choosing the subheading under Rule 6, what must be observed?", "d",
          ("Chọn phân nhóm có thuế suất thấp nhất", "Choose the lowest rate"),
          ("Chọn phân nhóm trước, nhóm sau", "Subheading first, heading after"),
          ("So sánh mọi dòng bất kể cấp gạch ngang", "Compare all lines whatever their level"),
          ("Chỉ so sánh các phân nhóm cùng cấp; luôn chọn nhóm trước, phân nhóm sau",
           "Compare only subheadings at the same level; heading first, subheading after")),
        Q(3, "Những cách làm nào là lỗi thường gặp khi phân loại hàng hoá?",
          "Which are common classification mistakes?", "abd",
          ("Dựa vào tên thương mại của hàng hoá", "Relying on the trade name"),
          ("Bỏ qua chú giải phần, chương", "Skipping the section and chapter notes"),
          ("Đọc chú giải trước khi kết luận", "Reading the notes before concluding"),
          ("Chọn mã theo thuế suất có lợi", "Choosing the code by the convenient rate")),
        Q(3, "Bộ hàng đóng gói để bán lẻ gồm các sản phẩm thuộc các nhóm khác nhau được phân "
             "loại theo Quy tắc 3(b) khi nào?",
          "When is a retail set of goods from different headings classified under Rule "
          "3(b)?", "a",
          ("Khi đáp ứng đủ các điều kiện của bộ hàng bán lẻ và xác định được thành phần tạo "
           "đặc trưng cơ bản",
           "When it meets all the conditions of a retail set and the component giving the "
           "essential character can be identified"),
          ("Khi có từ hai sản phẩm trở lên", "Whenever it has two or more products"),
          ("Khi người khai hải quan đề nghị", "When the declarant asks"),
          ("Khi bộ hàng có giá trị lớn", "When the set is valuable")),
        Q(3, "Doanh nghiệp đã có văn bản xác định trước mã số cho một mặt hàng; sau đó Danh "
             "mục hàng hoá được sửa đổi ở nhóm liên quan. Nhận định nào đúng?",
          "A company has an advance ruling on a product's code; the nomenclature is then "
          "amended for that heading. Which is right?", "c",
          ("Văn bản xác định trước vẫn có giá trị vĩnh viễn", "The ruling stays valid "
           "forever"),
          ("Áp dụng cho mọi mặt hàng tương tự của doanh nghiệp", "It applies to all similar "
           "products"),
          ("Văn bản xác định trước hết giá trị khi căn cứ pháp lý thay đổi",
           "The ruling lapses when its legal basis changes"),
          ("Cơ quan hải quan phải bồi thường cho doanh nghiệp", "Customs must compensate "
           "the company")),
        Q(3, "Mẫu hàng được lấy để phân tích phục vụ phân loại. Những yêu cầu nào đúng?",
          "Samples are taken for classification analysis. Which requirements are right?",
          "bc",
          ("Doanh nghiệp tự gửi mẫu đến phòng thí nghiệm bất kỳ", "The company sends them to "
           "any laboratory"),
          ("Lập biên bản lấy mẫu", "A sampling record is drawn up"),
          ("Mẫu được niêm phong", "The samples are sealed"),
          ("Không cần lưu lập luận phân loại", "The reasoning need not be kept")),
    ],
    # -- THUE.03 Xuất xứ hàng hoá ------------------------------------------------------------
    "THUE.03": [
        Q(1, "C/O mẫu D được dùng để hưởng ưu đãi theo hiệp định nào?",
          "Form D certificates of origin are used for preferences under which agreement?",
          "b",
          ("Hiệp định ASEAN – Trung Quốc (ACFTA)", "ASEAN–China (ACFTA)"),
          ("Hiệp định Thương mại hàng hoá ASEAN (ATIGA)", "The ASEAN Trade in Goods "
           "Agreement (ATIGA)"),
          ("Hiệp định EVFTA", "The EVFTA"), ("Hiệp định CPTPP", "The CPTPP")),
        Q(1, "Hàng hoá có xuất xứ thuần tuý (WO) là gì?",
          "What are wholly obtained (WO) goods?", "a",
          ("Hàng hoá được sản xuất, khai thác hoặc thu hoạch toàn bộ tại một nước, ví dụ "
           "khoáng sản khai thác, cây trồng thu hoạch tại nước đó",
           "Goods wholly produced, extracted or harvested in one country, e.g. minerals "
           "mined or crops grown there"),
          ("Hàng hoá có trên 40% nguyên liệu trong nước", "Goods with over 40% local "
           "content"),
          ("Hàng hoá được đóng gói tại một nước", "Goods packed in a country"),
          ("Hàng hoá có nhãn ghi \"Made in\"", "Goods labelled \"Made in\"")),
        Q(1, "Thuế suất ưu đãi đặc biệt áp dụng cho hàng hoá nhập khẩu khi nào?",
          "When does the special preferential (FTA) rate apply to imports?", "c",
          ("Khi doanh nghiệp đề nghị", "When the company asks"),
          ("Khi hàng hoá có giá trị dưới 1 triệu đồng", "When the goods are worth under "
           "VND 1 million"),
          ("Khi hàng hoá có xuất xứ từ nước có thoả thuận ưu đãi đặc biệt với Việt Nam và "
           "đáp ứng các điều kiện của thoả thuận đó",
           "When the goods originate in a country with a special preferential agreement with "
           "Viet Nam and meet its conditions"),
          ("Với mọi hàng hoá nhập khẩu từ ASEAN", "For all imports from ASEAN")),
        Q(1, "Theo Luật Thuế xuất khẩu, thuế nhập khẩu 2016, thuế suất thông thường bằng bao "
             "nhiêu so với thuế suất ưu đãi của mặt hàng tương ứng?",
          "Under the Law on Import and Export Duties 2016, what is the ordinary rate "
          "compared with the MFN rate of the same item?", "d",
          ("100%", "100%"), ("120%", "120%"), ("200%", "200%"), ("150%", "150%")),
        Q(2, "Theo ATIGA, hàm lượng giá trị khu vực (RVC) tối thiểu thông thường để hàng hoá "
             "đạt xuất xứ là bao nhiêu?",
          "Under ATIGA, what is the usual minimum regional value content (RVC)?", "b",
          ("30%", "30%"), ("40%", "40%"), ("50%", "50%"), ("60%", "60%")),
        Q(2, "Tiêu chí chuyển đổi mã số ở cấp nhóm (CTH) được đáp ứng khi nào?",
          "When is a change in tariff heading (CTH) met?", "a",
          ("Nguyên liệu không có xuất xứ có mã 4 số khác mã 4 số của thành phẩm",
           "Non-originating materials have a 4-digit heading different from the product's"),
          ("Nguyên liệu khác chương của thành phẩm", "Materials are in another chapter"),
          ("Thành phẩm được đóng gói lại", "The product is repacked"),
          ("Thành phẩm có giá cao hơn nguyên liệu", "The product costs more than the "
           "materials")),
        Q(2, "Những công đoạn nào thường được coi là gia công, chế biến đơn giản, không mang "
             "lại xuất xứ?",
          "Which operations are usually minimal processing that confers no origin?", "acd",
          ("Đóng gói, chia nhỏ, đóng chai", "Packing, splitting, bottling"),
          ("Lắp ráp phức tạp tạo ra sản phẩm mới có mã số khác", "Complex assembly making a "
           "new product in another heading"),
          ("Dán nhãn, gắn mác", "Labelling, marking"),
          ("Bảo quản hàng hoá trong quá trình vận chuyển", "Preserving goods in transit")),
        Q(2, "Công thức RVC gián tiếp theo ATIGA là gì?",
          "What is the indirect (build-down) RVC formula under ATIGA?", "c",
          ("(Trị giá nguyên liệu không xuất xứ ÷ FOB) × 100%", "(Non-originating materials ÷ "
           "FOB) × 100%"),
          ("(FOB + CIF) ÷ 2", "(FOB + CIF) ÷ 2"),
          ("(FOB − Trị giá nguyên liệu không có xuất xứ) ÷ FOB × 100%",
           "(FOB − value of non-originating materials) ÷ FOB × 100%"),
          ("Giá xuất xưởng − lợi nhuận", "Ex-works price − profit")),
        Q(3, "Sản phẩm có giá FOB 10 USD, nguyên liệu không có xuất xứ ASEAN trị giá 6,5 USD. "
             "Với tiêu chí RVC 40% (ATIGA), sản phẩm có đạt xuất xứ không?",
          "A product has a FOB price of USD 10 and non-ASEAN materials worth USD 6.50. Does "
          "it meet RVC 40% (ATIGA)?", "b",
          ("Đạt, vì RVC = 65%", "Yes: RVC = 65%"),
          ("Không đạt, vì RVC = 35% < 40%", "No: RVC = 35% < 40%"),
          ("Đạt, vì RVC = 40%", "Yes: RVC = 40%"),
          ("Không xác định được", "It cannot be told")),
        Q(3, "Hàng có C/O mẫu D hợp lệ nhưng được vận chuyển qua nước thứ ba ngoài ASEAN, "
             "có chia tách, đóng gói lại tại đó. Nhận định nào đúng?",
          "Goods with a valid Form D pass through a non-ASEAN country where they are split "
          "and repacked. Which is right?", "d",
          ("Vẫn được hưởng ưu đãi vì C/O hợp lệ", "They keep the preference: the C/O is "
           "valid"),
          ("Được hưởng ưu đãi nếu nộp thêm vận đơn", "They keep it with the bill of lading"),
          ("Chuyển sang áp dụng thuế suất thông thường", "The ordinary rate applies"),
          ("Có thể không đáp ứng quy tắc vận chuyển trực tiếp; cần kiểm tra, có thể từ chối "
           "ưu đãi đặc biệt",
           "It may fail the direct-consignment rule; check it; the preference may be "
           "refused")),
        Q(3, "Cơ quan hải quan nghi ngờ tính xác thực của C/O. Cách xử lý đúng là gì?",
          "Customs doubts a certificate of origin is genuine. What is right?", "a",
          ("Đề nghị cơ quan, tổ chức cấp của nước xuất khẩu xác minh theo quy định của hiệp "
           "định; trong thời gian chờ có thể áp dụng mức thuế khác theo quy định",
           "Ask the issuing body of the exporting country to verify it as the agreement "
           "provides; meanwhile another rate may apply as provided"),
          ("Tự kết luận C/O giả và xử phạt", "Conclude it is forged and sanction"),
          ("Chấp nhận vì không có quyền xác minh", "Accept it: Customs cannot verify"),
          ("Yêu cầu doanh nghiệp tự liên hệ nhà sản xuất", "Ask the company to contact the "
           "maker")),
        Q(3, "Nguyên liệu không có xuất xứ của một sản phẩm thuộc cùng nhóm 4 số với thành "
             "phẩm, nhưng khác phân nhóm 6 số. Sản phẩm đáp ứng được tiêu chí nào?",
          "A product's non-originating materials share its 4-digit heading but not its "
          "6-digit subheading. Which criterion can it meet?", "c",
          ("CC (chuyển đổi chương)", "CC (change of chapter)"),
          ("CTH (chuyển đổi nhóm)", "CTH (change of heading)"),
          ("CTSH (chuyển đổi phân nhóm)", "CTSH (change of subheading)"),
          ("Không tiêu chí nào", "None")),
    ],
    # -- KTSTQ.01 Kiểm tra sau thông quan ----------------------------------------------------
    "KTSTQ.01": [
        Q(1, "Thời hạn kiểm tra sau thông quan theo Điều 77 Luật Hải quan 2014 là bao lâu?",
          "What is the post-clearance audit period under Article 77 of the Customs Law "
          "2014?", "b",
          ("03 năm kể từ ngày thông quan", "3 years from clearance"),
          ("05 năm kể từ ngày đăng ký tờ khai hải quan", "5 years from registration of the "
           "declaration"),
          ("10 năm kể từ ngày nộp thuế", "10 years from payment"),
          ("01 năm kể từ ngày nhập khẩu", "1 year from importation")),
        Q(1, "Kiểm tra sau thông quan được thực hiện tại đâu?",
          "Where is a post-clearance audit carried out?", "ac",
          ("Tại trụ sở cơ quan hải quan", "At the customs office"),
          ("Tại cửa khẩu nhập", "At the border gate"),
          ("Tại trụ sở người khai hải quan", "At the declarant's premises"),
          ("Tại ngân hàng của doanh nghiệp", "At the company's bank")),
        Q(1, "Mục đích của kiểm tra sau thông quan là gì?",
          "What is the purpose of post-clearance audit?", "d",
          ("Thay thế kiểm tra thực tế hàng hoá", "To replace physical inspection"),
          ("Thu phí dịch vụ hải quan", "To collect fees"),
          ("Kiểm tra mọi doanh nghiệp hằng năm", "To audit every company each year"),
          ("Đánh giá tính chính xác, trung thực của nội dung đã khai và việc tuân thủ pháp "
           "luật",
           "To assess the accuracy and truthfulness of declarations and compliance with the "
           "law")),
        Q(1, "Đối tượng kiểm tra sau thông quan được lựa chọn theo nguyên tắc nào?",
          "On what principle are audit targets selected?", "a",
          ("Quản lý rủi ro", "Risk management"), ("Ngẫu nhiên hoàn toàn", "Pure chance"),
          ("Theo thứ tự bảng chữ cái", "Alphabetical order"),
          ("Theo đề nghị của doanh nghiệp cạnh tranh", "Competitors' requests")),
        Q(2, "Trình tự kiểm tra sau thông quan gồm các bước nào theo đúng thứ tự?",
          "What are the steps of an audit, in order?", "c",
          ("Quyết định → chuẩn bị → kết luận → tiến hành → xử lý", "Decision → preparation → "
           "conclusion → conduct → follow-up"),
          ("Tiến hành → quyết định → xử lý → kết luận", "Conduct → decision → follow-up → "
           "conclusion"),
          ("Chuẩn bị → quyết định → tiến hành → kết luận → xử lý", "Preparation → decision → "
           "conduct → conclusion → follow-up"),
          ("Kết luận → chuẩn bị → tiến hành", "Conclusion → preparation → conduct")),
        Q(2, "Đoàn kiểm tra phát hiện vấn đề ngoài phạm vi ghi trong quyết định kiểm tra. Cách "
             "làm đúng?",
          "The audit team finds an issue outside the scope of the audit decision. What is "
          "right?", "b",
          ("Kiểm tra luôn vì đã có mặt tại doanh nghiệp", "Audit it now while on site"),
          ("Báo cáo người có thẩm quyền để xem xét quyết định mở rộng phạm vi theo quy định",
           "Report to the competent person, who may extend the scope as provided"),
          ("Bỏ qua vấn đề", "Ignore it"),
          ("Yêu cầu doanh nghiệp tự khắc phục không cần ghi nhận", "Ask the company to fix "
           "it unrecorded")),
        Q(2, "Trong kiểm tra sau thông quan, cơ quan hải quan phát hiện doanh nghiệp nộp thừa "
             "thuế. Cách xử lý đúng?",
          "The audit finds the company overpaid duties. What is right?", "a",
          ("Ghi nhận trong kết luận và xử lý số tiền nộp thừa theo quy định",
           "Record it in the conclusion and handle the overpayment as provided"),
          ("Không đề cập vì không có lợi cho ngân sách", "Leave it out"),
          ("Chỉ xử lý nếu doanh nghiệp khiếu nại", "Only if the company complains"),
          ("Bù trừ vào tiền phạt", "Offset it against fines")),
        Q(2, "Những biện pháp nào có thể được áp dụng sau khi có kết luận kiểm tra phát hiện "
             "sai phạm về thuế?",
          "After a conclusion finding tax errors, which measures may follow?", "abd",
          ("Ấn định thuế, thu thuế và tiền chậm nộp", "Assess and collect the duty and "
           "late-payment interest"),
          ("Xử phạt vi phạm hành chính", "Administrative sanctions"),
          ("Tạm dừng cấp phép kinh doanh của doanh nghiệp", "Suspend the company's business "
           "licence"),
          ("Cập nhật thông tin vào hệ thống quản lý rủi ro", "Update risk management")),
        Q(3, "Năm 2025, cơ quan hải quan lập kế hoạch kiểm tra doanh nghiệp về các tờ khai từ "
             "năm 2019 đến 2024. Điểm cần lưu ý khi xác định phạm vi?",
          "In 2025 Customs plans an audit of a company's declarations of 2019–2024. What "
          "must be watched when setting the scope?", "c",
          ("Mọi tờ khai đều được kiểm tra", "Every declaration may be audited"),
          ("Chỉ kiểm tra tờ khai năm 2024", "Only 2024's"),
          ("Kiểm tra thời hạn 05 năm của từng tờ khai; tờ khai đã quá 05 năm kể từ ngày đăng "
           "ký không còn thuộc phạm vi",
           "Check the 5-year period of each declaration; those registered more than 5 years "
           "ago are out of scope"),
          ("Phụ thuộc vào ý kiến của doanh nghiệp", "It depends on the company")),
        Q(3, "Doanh nghiệp từ chối ký biên bản kiểm tra. Đoàn kiểm tra xử lý thế nào?",
          "The company refuses to sign the audit record. What does the team do?", "d",
          ("Huỷ kết quả kiểm tra", "Void the audit"),
          ("Sửa biên bản theo ý doanh nghiệp", "Rewrite it as the company wishes"),
          ("Tạm dừng kiểm tra vô thời hạn", "Suspend indefinitely"),
          ("Ghi rõ việc từ chối ký và lý do (nếu có) vào biên bản, biên bản vẫn có giá trị "
           "theo quy định",
           "Note the refusal and any reason in the record, which remains valid as provided")),
        Q(3, "Nhận định nào thể hiện đúng mối quan hệ giữa kiểm tra sau thông quan và quản lý "
             "rủi ro?",
          "Which statement is right about audit and risk management?", "b",
          ("Hai hoạt động độc lập, không liên quan", "They are unrelated"),
          ("Kết quả kiểm tra sau thông quan được phản hồi để điều chỉnh tiêu chí, đánh giá "
           "tuân thủ; quản lý rủi ro giúp lựa chọn đối tượng kiểm tra",
           "Audit results feed back into criteria and compliance ratings; risk management "
           "selects whom to audit"),
          ("Quản lý rủi ro chỉ dùng trong thông quan", "Risk management is for clearance "
           "only"),
          ("Kiểm tra sau thông quan thay thế quản lý rủi ro", "Audit replaces risk "
           "management")),
        Q(3, "Trong quá trình kiểm tra tại trụ sở doanh nghiệp, phát hiện dấu hiệu tội phạm "
             "buôn lậu. Việc cần làm?",
          "During an on-site audit, signs of the crime of smuggling appear. What must be "
          "done?", "a",
          ("Báo cáo người có thẩm quyền để chuyển hồ sơ, tài liệu cho cơ quan có thẩm quyền "
           "xem xét khởi tố theo quy định",
           "Report to the competent person so that the file goes to the authority that "
           "decides on prosecution, as provided"),
          ("Tự xử phạt hành chính để kết thúc nhanh", "Impose an administrative fine to "
           "close quickly"),
          ("Tiếp tục kiểm tra như bình thường, không báo cáo", "Carry on without "
           "reporting"),
          ("Thoả thuận với doanh nghiệp nộp bổ sung thuế", "Settle with the company")),
    ],
    # -- KTSTQ.02 Phân tích chứng từ, sổ sách kế toán -----------------------------------------
    "KTSTQ.02": [
        Q(1, "Theo Thông tư 200/2014/TT-BTC, tài khoản nào phản ánh phải trả cho người bán?",
          "Under Circular 200/2014/TT-BTC, which account records amounts payable to "
          "suppliers?", "c",
          ("Tài khoản 511", "Account 511"), ("Tài khoản 632", "Account 632"),
          ("Tài khoản 331", "Account 331"), ("Tài khoản 211", "Account 211")),
        Q(1, "Tài khoản 3333 dùng để phản ánh nội dung gì?",
          "What does account 3333 record?", "a",
          ("Thuế xuất khẩu, thuế nhập khẩu", "Export and import duties"),
          ("Tiền gửi ngân hàng", "Bank deposits"), ("Doanh thu bán hàng", "Sales revenue"),
          ("Chi phí quản lý doanh nghiệp", "Administrative expenses")),
        Q(1, "Khi kiểm tra chứng từ, phép tính nào cần kiểm tra trên hoá đơn thương mại?",
          "Which arithmetic must be checked on a commercial invoice?", "b",
          ("Số lượng + đơn giá = thành tiền", "Quantity + unit price = amount"),
          ("Số lượng × đơn giá = thành tiền; tổng bằng số khớp với bằng chữ",
           "Quantity × unit price = amount; the total in figures matches the words"),
          ("Thành tiền ÷ trọng lượng = thuế", "Amount ÷ weight = duty"),
          ("Không cần kiểm tra phép tính", "None")),
        Q(1, "Chuỗi chứng từ cần thống nhất khi kiểm tra một giao dịch nhập khẩu gồm những "
             "khâu nào?",
          "Which links must agree in the document chain of an import?", "abd",
          ("Giao kết hợp đồng", "The contract"),
          ("Giao hàng, vận chuyển", "Delivery and transport"),
          ("Quảng cáo sản phẩm trên mạng xã hội", "Advertising on social networks"),
          ("Thanh toán và ghi nhận kế toán", "Payment and accounting entries")),
        Q(2, "Đối chiếu hai chiều giữa tờ khai và sổ sách kế toán nhằm mục đích gì?",
          "What is two-way matching of declarations and books for?", "d",
          ("Để tính lương nhân viên", "To compute salaries"),
          ("Chỉ để kiểm tra số học", "Only to check arithmetic"),
          ("Để xác định thuế thu nhập doanh nghiệp", "To determine corporate income tax"),
          ("Từ tờ khai đến sổ sách để xác nhận ghi nhận, và từ sổ sách đến tờ khai để phát "
           "hiện khoản chi liên quan chưa khai (như khoản phải cộng ngoài hoá đơn)",
           "Declaration to books to confirm the entries, and books to declaration to find "
           "related payments not declared (such as additions outside the invoice)")),
        Q(2, "Tài khoản chi phí nào nên rà soát để phát hiện phí bản quyền trả cho bên bán "
             "hàng nước ngoài chưa cộng vào trị giá?",
          "Which expense accounts should be reviewed to find royalties paid to the foreign "
          "seller but not added to the value?", "b",
          ("Tài khoản 111 – Tiền mặt", "111 – Cash"),
          ("Tài khoản 641, 642 – Chi phí bán hàng, chi phí quản lý doanh nghiệp",
           "641, 642 – Selling and administrative expenses"),
          ("Tài khoản 511 – Doanh thu", "511 – Revenue"),
          ("Tài khoản 3333 – Thuế xuất nhập khẩu", "3333 – Import/export duties")),
        Q(2, "Đối với hàng gia công, sản xuất xuất khẩu, cân đối nguyên liệu được thực hiện "
             "thế nào?",
          "For processing and export production, how is the materials balance checked?", "c",
          ("Chỉ so sánh tổng trị giá nhập và xuất", "Compare total import and export values"),
          ("Chỉ kiểm tra tồn kho cuối kỳ", "Check the closing stock only"),
          ("Nhập – sử dụng theo định mức – xuất – tồn, so với tồn kho thực tế",
           "Imports – use by the norms – exports – stock, against the actual stock"),
          ("Dựa vào báo cáo tài chính đã kiểm toán", "Rely on audited statements")),
        Q(2, "Chứng từ thanh toán qua ngân hàng cho thấy số tiền trả cho người bán lớn hơn "
             "trị giá trên hoá đơn đã khai. Đây là dấu hiệu gì?",
          "Bank payments to the seller exceed the declared invoice value. What does this "
          "suggest?", "a",
          ("Dấu hiệu khai thấp trị giá hoặc có khoản phải cộng chưa khai, cần làm rõ",
           "Possible under-valuation or undeclared additions, to be clarified"),
          ("Doanh nghiệp nộp thừa thuế", "The company overpaid duty"),
          ("Không có ý nghĩa gì", "Nothing"),
          ("Chắc chắn là buôn lậu", "Certainly smuggling")),
        Q(3, "Tồn kho nguyên liệu theo sổ sách của doanh nghiệp chế xuất cao hơn nhiều so với "
             "tồn kho thực tế khi kiểm tra. Những khả năng nào cần xác minh?",
          "An export-processing company's book stock of materials is far above the physical "
          "stock. Which possibilities must be checked?", "abc",
          ("Tiêu thụ nội địa nguyên liệu không khai báo", "Undeclared domestic sale of "
           "materials"),
          ("Định mức khai báo thấp hơn thực tế sử dụng", "Declared norms below actual use"),
          ("Sai sót ghi chép kế toán", "Bookkeeping errors"),
          ("Doanh nghiệp xuất khẩu nhiều hơn nên được khen thưởng", "The company exported "
           "more and deserves praise")),
        Q(3, "Doanh nghiệp hạch toán khoản \"phí hỗ trợ kỹ thuật\" trả cho công ty mẹ nước "
             "ngoài (cũng là người bán hàng). Cần làm rõ điều gì trước khi kết luận?",
          "A company books a \"technical support fee\" paid to its foreign parent (also the "
          "seller). What must be clarified before concluding?", "d",
          ("Số tiền có lớn không", "Whether the amount is large"),
          ("Khoản chi có được khấu trừ thuế thu nhập không", "Whether it is deductible for "
           "income tax"),
          ("Công ty mẹ có trụ sở ở đâu", "Where the parent is based"),
          ("Bản chất khoản chi: có liên quan đến hàng nhập khẩu, có phải điều kiện mua bán "
           "(như phí bản quyền, trợ giúp) để cộng vào trị giá hay không",
           "Its nature: whether it relates to the imported goods and is a condition of sale "
           "(like royalties or assists) to be added to the value")),
        Q(3, "Yêu cầu nào đúng đối với kết luận kiểm tra dựa trên phân tích sổ sách?",
          "Which requirement applies to an audit conclusion drawn from the books?", "b",
          ("Có thể dựa vào suy đoán của đoàn kiểm tra", "It may rest on the team's "
           "assumptions"),
          ("Phải dựa trên bằng chứng, có giấy tờ làm việc và xem xét giải trình của doanh "
           "nghiệp",
           "It must rest on evidence, with working papers, after considering the company's "
           "explanations"),
          ("Chỉ cần chữ ký của trưởng đoàn", "It needs only the team leader's signature"),
          ("Không cần nêu căn cứ pháp lý", "It needs no legal basis")),
        Q(3, "Giá vốn hàng bán (632) của một mặt hàng nhập khẩu thấp bất thường so với giá "
             "bán (511) và so với các doanh nghiệp cùng ngành. Hướng phân tích?",
          "The cost of sales (632) of an imported product is unusually low against its sales "
          "(511) and against the sector. Which line of analysis?", "c",
          ("Kết luận doanh nghiệp kinh doanh hiệu quả", "Conclude the company is efficient"),
          ("Bỏ qua vì không liên quan hải quan", "Ignore it: not a customs matter"),
          ("Xem xét dấu hiệu khai thấp trị giá nhập khẩu, đối chiếu chứng từ thanh toán và "
           "giao dịch liên quan",
           "Consider under-valuation of the imports; match payments and related "
           "transactions"),
          ("Ấn định thuế ngay theo giá bán", "Assess duty on the sales price at once")),
    ],
    # -- QLRR.01 Quản lý rủi ro, phân luồng --------------------------------------------------
    "QLRR.01": [
        Q(1, "Trong quản lý hải quan, \"rủi ro\" là gì?", "In customs, what is \"risk\"?", "a",
          ("Nguy cơ không tuân thủ pháp luật hải quan, pháp luật thuế",
           "The likelihood of non-compliance with customs and tax law"),
          ("Thiệt hại do thiên tai", "Damage from natural disasters"),
          ("Khả năng doanh nghiệp thua lỗ", "A company's chance of losses"),
          ("Sự cố hệ thống công nghệ thông tin", "IT outages")),
        Q(1, "Luồng xanh có nghĩa là gì?", "What does the green channel mean?", "c",
          ("Kiểm tra chi tiết hồ sơ", "Detailed file check"),
          ("Kiểm tra thực tế toàn bộ hàng hoá", "Full physical inspection"),
          ("Miễn kiểm tra chi tiết hồ sơ và miễn kiểm tra thực tế hàng hoá",
           "No detailed file check and no physical inspection"),
          ("Chuyển kiểm tra sau thông quan bắt buộc", "Mandatory post-clearance audit")),
        Q(1, "Thứ tự các bước của chu trình quản lý rủi ro là gì?",
          "What is the order of the risk-management cycle?", "b",
          ("Xử lý → nhận diện → đánh giá → phân tích", "Treat → identify → evaluate → "
           "analyse"),
          ("Thiết lập bối cảnh → nhận diện → phân tích → đánh giá → xử lý → giám sát, rà soát",
           "Context → identify → analyse → evaluate → treat → monitor and review"),
          ("Nhận diện → xử lý → kết thúc", "Identify → treat → close"),
          ("Đánh giá → thiết lập bối cảnh → xử lý", "Evaluate → context → treat")),
        Q(1, "Rủi ro được phân tích theo hai yếu tố nào?",
          "Risk is analysed along which two factors?", "d",
          ("Giá trị và trọng lượng hàng hoá", "Value and weight"),
          ("Quốc tịch và quy mô doanh nghiệp", "Nationality and size"),
          ("Số tờ khai và số công chức", "Declarations and officers"),
          ("Khả năng xảy ra và hậu quả", "Likelihood and consequence")),
        Q(2, "Vì sao cần kết hợp lựa chọn kiểm tra ngẫu nhiên với tiêu chí phân luồng?",
          "Why combine random selection with targeting criteria?", "a",
          ("Để đo lường mức độ tuân thủ chung và đánh giá hiệu quả của tiêu chí",
           "To measure overall compliance and evaluate the criteria"),
          ("Để giảm số tờ khai luồng đỏ xuống 0", "To bring red channels to zero"),
          ("Vì tiêu chí không có giá trị", "Because criteria are worthless"),
          ("Để doanh nghiệp không phàn nàn", "To avoid complaints")),
        Q(2, "Một tiêu chí phân luồng tốt có những đặc điểm nào?",
          "Which features make a good selection criterion?", "abd",
          ("Có trọng tâm rõ ràng", "A clear focus"), ("Có thời hạn áp dụng", "A time limit"),
          ("Áp dụng vĩnh viễn, không cần rà soát", "Applies forever, never reviewed"),
          ("Được đánh giá lại định kỳ", "Periodically re-evaluated")),
        Q(2, "Công chức muốn chuyển tờ khai từ luồng vàng sang luồng đỏ. Điều kiện đúng?",
          "An officer wants to move a declaration from yellow to red. What is required?", "c",
          ("Tự quyết định không cần ghi nhận", "Decide alone without a record"),
          ("Chỉ cần doanh nghiệp đồng ý", "Only the company's agreement"),
          ("Phải theo thẩm quyền, có căn cứ (thông tin rủi ro) và được ghi nhận trên hệ thống",
           "It must be within authority, based on risk information, and recorded in the "
           "system"),
          ("Không bao giờ được thay đổi luồng", "The channel can never change")),
        Q(2, "Mô tả rủi ro đầy đủ cần trả lời những câu hỏi nào?",
          "A full risk description answers which questions?", "d",
          ("Chỉ tên doanh nghiệp", "Only the company's name"),
          ("Chỉ mặt hàng", "Only the goods"),
          ("Chỉ cửa khẩu nhập", "Only the port"),
          ("Ai, làm gì, hàng hoá nào, bằng cách nào, nhằm mục đích gì",
           "Who, does what, with which goods, how, and why")),
        Q(3, "Kết quả kiểm tra theo một tiêu chí luôn là \"không phát hiện vi phạm\" trong 6 "
             "tháng. Cách xử lý đúng?",
          "A criterion's checks found \"no violation\" for 6 months. What is right?", "b",
          ("Không cần cập nhật kết quả \"không phát hiện\"", "Results of \"nothing found\" "
           "need not be recorded"),
          ("Cập nhật đầy đủ kết quả và rà soát để sửa đổi hoặc dừng tiêu chí",
           "Record all the results and review the criterion for change or removal"),
          ("Tăng tỷ lệ lựa chọn của tiêu chí", "Select more with it"),
          ("Giữ nguyên tiêu chí vì đã phê duyệt", "Keep it: it was approved")),
        Q(3, "Thông tin trước khi hàng đến cho thấy một tuyến vận chuyển mới có dấu hiệu "
             "trung chuyển để gian lận xuất xứ. Biện pháp phù hợp nhất?",
          "Pre-arrival information shows a new route with signs of transhipment to fake "
          "origin. What is the most fitting measure?", "c",
          ("Phân luồng đỏ mọi tờ khai nhập khẩu", "Red-channel every import"),
          ("Chờ khi có vi phạm mới xử lý", "Wait for a violation"),
          ("Xây dựng tiêu chí có trọng tâm, có thời hạn cho tuyến và mặt hàng liên quan, kèm "
           "hướng dẫn kiểm tra xuất xứ, rồi đánh giá hiệu quả",
           "Build a focused, time-limited criterion for that route and goods, with origin "
           "checking guidance, and evaluate it"),
          ("Cấm nhập khẩu hàng từ tuyến đó", "Ban imports on that route")),
        Q(3, "Theo kim tự tháp tuân thủ, với doanh nghiệp cố ý vi phạm, biện pháp phù hợp là "
             "gì?",
          "In the compliance pyramid, what fits companies that deliberately break the "
          "rules?", "d",
          ("Tạo thuận lợi tối đa", "Maximum facilitation"),
          ("Chỉ tuyên truyền, hỗ trợ", "Only information and help"),
          ("Không có biện pháp", "None"),
          ("Áp dụng đầy đủ chế tài của pháp luật", "The full force of the law")),
        Q(3, "Chuẩn mực quốc tế nào là cơ sở của quản lý rủi ro hải quan?",
          "Which international standards underlie customs risk management?", "abc",
          ("Công ước Kyoto sửa đổi", "The Revised Kyoto Convention"),
          ("Khung tiêu chuẩn SAFE của WCO", "The WCO SAFE Framework"),
          ("Hiệp định Tạo thuận lợi thương mại của WTO", "The WTO Trade Facilitation "
           "Agreement"),
          ("Công ước Viên về quan hệ ngoại giao", "The Vienna Convention on Diplomatic "
           "Relations")),
    ],
    # -- QLRR.02 Đánh giá tuân thủ doanh nghiệp ----------------------------------------------
    "QLRR.02": [
        Q(1, "Đánh giá tuân thủ doanh nghiệp nhằm mục đích gì?",
          "What is compliance assessment of companies for?", "b",
          ("Xếp hạng doanh nghiệp theo doanh thu", "To rank companies by revenue"),
          ("Xác định mức độ tuân thủ pháp luật hải quan, thuế của người khai hải quan để áp "
           "dụng biện pháp quản lý phù hợp",
           "To determine a declarant's level of compliance with customs and tax law so as to "
           "apply fitting measures"),
          ("Cấp giấy phép kinh doanh", "To grant business licences"),
          ("Thu phí dịch vụ", "To collect fees")),
        Q(1, "Doanh nghiệp ưu tiên (AEO) được hưởng lợi ích nào?",
          "Which benefit do authorised economic operators (priority companies) get?", "a",
          ("Được miễn kiểm tra chứng từ, kiểm tra thực tế hàng hoá, trừ trường hợp quy định",
           "Exemption from document checks and physical inspection, except in the cases "
           "provided"),
          ("Được miễn thuế nhập khẩu", "Exemption from import duty"),
          ("Được miễn kiểm tra sau thông quan vĩnh viễn", "Permanent exemption from audits"),
          ("Không phải khai hải quan", "No need to declare")),
        Q(1, "Đánh giá tuân thủ được thực hiện như thế nào?",
          "How is compliance assessed?", "c",
          ("Một lần khi thành lập doanh nghiệp", "Once when the company is founded"),
          ("Theo đề nghị của doanh nghiệp", "At the company's request"),
          ("Định kỳ, tự động trên hệ thống, kết hợp cập nhật đột xuất khi có thông tin mới",
           "Periodically and automatically in the system, updated ad hoc on new "
           "information"),
          ("Chỉ khi có vi phạm", "Only after a violation")),
        Q(1, "Với doanh nghiệp có mức tuân thủ thấp, biện pháp quản lý nào phù hợp?",
          "Which measure fits a low-compliance company?", "d",
          ("Tạo thuận lợi tối đa", "Maximum facilitation"),
          ("Miễn kiểm tra", "No inspection"),
          ("Công nhận doanh nghiệp ưu tiên", "Priority status"),
          ("Tăng cường kiểm tra hồ sơ, thực tế, giám sát và ưu tiên kiểm tra sau thông quan",
           "More file and physical checks, supervision, and audit priority")),
        Q(2, "Những thông tin nào được dùng để đánh giá tuân thủ?",
          "Which information is used in compliance assessment?", "abc",
          ("Lịch sử vi phạm pháp luật hải quan, thuế", "Customs and tax violation history"),
          ("Kết quả kiểm tra hồ sơ, thực tế, kiểm tra sau thông quan", "Results of checks, "
           "inspections and audits"),
          ("Việc chấp hành chế độ báo cáo", "Compliance with reporting duties"),
          ("Tình trạng hôn nhân của giám đốc", "The director's marital status")),
        Q(2, "Doanh nghiệp ưu tiên vi phạm điều kiện duy trì. Hệ quả phù hợp?",
          "A priority company breaches the conditions of its status. What follows?", "b",
          ("Không ảnh hưởng vì đã được công nhận", "Nothing: it was recognised"),
          ("Bị đánh giá lại, có thể bị tạm đình chỉ hoặc chấm dứt áp dụng chế độ ưu tiên "
           "theo quy định",
           "It is reassessed and may have priority treatment suspended or ended as "
           "provided"),
          ("Được gia hạn thêm 5 năm", "It gets 5 more years"),
          ("Chuyển sang luồng xanh vĩnh viễn", "Green channel for good")),
        Q(2, "Kết quả đánh giá tuân thủ được dùng ở đâu?",
          "Where are compliance ratings used?", "c",
          ("Chỉ để báo cáo thống kê", "Only for statistics"),
          ("Để công bố công khai trên báo chí", "For publication in the press"),
          ("Là một yếu tố trong phân luồng, lựa chọn kiểm tra và kiểm tra sau thông quan",
           "As one factor in channel selection, inspection targeting and audit"),
          ("Để tính thuế suất", "To set duty rates")),
        Q(2, "Doanh nghiệp mới thành lập, chưa có lịch sử xuất nhập khẩu, được đánh giá thế "
             "nào?",
          "How is a new company with no trade history rated?", "a",
          ("Theo tiêu chí dành cho doanh nghiệp chưa đủ thông tin, cập nhật khi có dữ liệu "
           "hoạt động",
           "By the criteria for companies with too little information, updated as activity "
           "data arrive"),
          ("Mặc định là doanh nghiệp ưu tiên", "As a priority company by default"),
          ("Mặc định là không tuân thủ vĩnh viễn", "As non-compliant forever"),
          ("Không được xuất nhập khẩu", "It may not trade")),
        Q(3, "Doanh nghiệp tuân thủ cao nhưng một lô hàng có thông tin nghi vấn cụ thể về "
             "buôn lậu. Cách xử lý đúng?",
          "A highly compliant company has one consignment with specific smuggling "
          "intelligence. What is right?", "d",
          ("Thông quan luồng xanh vì doanh nghiệp tuân thủ cao", "Green channel: the company "
           "complies"),
          ("Hạ mức tuân thủ của doanh nghiệp xuống thấp nhất", "Drop its rating to the "
           "lowest"),
          ("Từ chối thông quan mọi lô hàng của doanh nghiệp", "Refuse all its "
           "consignments"),
          ("Kiểm tra lô hàng có thông tin nghi vấn theo thẩm quyền; mức tuân thủ chung không "
           "loại trừ kiểm tra khi có dấu hiệu cụ thể",
           "Inspect that consignment within authority: a good rating does not rule out "
           "checks on specific signs")),
        Q(3, "Một Chi cục có tỷ lệ luồng đỏ với doanh nghiệp tuân thủ cao ngang với doanh "
             "nghiệp tuân thủ thấp. Điều này cho thấy gì?",
          "A branch red-channels high-compliance companies as often as low-compliance ones. "
          "What does this show?", "b",
          ("Quản lý rủi ro hiệu quả", "Effective risk management"),
          ("Việc áp dụng kết quả đánh giá tuân thủ chưa phân biệt được đối tượng, cần rà soát "
           "tiêu chí và việc chuyển luồng thủ công",
           "The ratings are not differentiating; review the criteria and manual channel "
           "changes"),
          ("Doanh nghiệp tuân thủ cao vi phạm nhiều", "High compliers break more rules"),
          ("Cần bỏ đánh giá tuân thủ", "Drop compliance assessment")),
        Q(3, "Điều kiện nào thuộc nhóm điều kiện để được công nhận doanh nghiệp ưu tiên?",
          "Which belong to the conditions for priority status?", "abc",
          ("Tuân thủ pháp luật hải quan, thuế trong thời gian quy định", "Compliance with "
           "customs and tax law over the set period"),
          ("Hệ thống kiểm soát nội bộ, kế toán đáp ứng yêu cầu", "Adequate internal control "
           "and accounting"),
          ("Thực hiện thủ tục hải quan điện tử, kim ngạch đạt mức quy định", "Electronic "
           "procedures and the required trade volume"),
          ("Có trụ sở tại Hà Nội", "Headquarters in Hanoi")),
        Q(3, "Doanh nghiệp tự phát hiện sai sót và khai bổ sung đúng thời hạn trước khi cơ "
             "quan hải quan kiểm tra. Điều này nên được phản ánh thế nào trong đánh giá tuân "
             "thủ?",
          "A company finds its own error and amends in time, before any customs check. How "
          "should compliance assessment treat it?", "c",
          ("Như một vi phạm bị phát hiện", "As a detected violation"),
          ("Hạ ngay xuống mức không tuân thủ", "Downgrade to non-compliant"),
          ("Được xem xét khác với sai phạm do cơ quan hải quan phát hiện, thể hiện ý thức tự "
           "tuân thủ",
           "Differently from an error Customs found: it shows voluntary compliance"),
          ("Không ghi nhận gì", "Record nothing")),
    ],
    # -- DTCBL.01 Kiểm soát, phòng chống buôn lậu --------------------------------------------
    "DTCBL.01": [
        Q(1, "Theo Điều 188 Bộ luật Hình sự 2015 (sửa đổi 2017), hàng hoá buôn lậu trị giá từ "
             "bao nhiêu thì có thể bị truy cứu trách nhiệm hình sự?",
          "Under Article 188 of the Criminal Code 2015 (amended 2017), from what value can "
          "smuggled goods lead to criminal liability?", "c",
          ("Từ 50 triệu đồng", "VND 50 million"), ("Từ 200 triệu đồng", "VND 200 million"),
          ("Từ 100 triệu đồng", "VND 100 million"), ("Từ 1 tỷ đồng", "VND 1 billion")),
        Q(1, "Hành khách nhập cảnh mang theo ngoại tệ tiền mặt trên mức nào phải khai báo hải "
             "quan (theo quy định hiện hành của Ngân hàng Nhà nước)?",
          "Above which amount of foreign cash must an arriving passenger declare it (under "
          "the State Bank's current rules)?", "b",
          ("1.000 USD", "USD 1,000"), ("5.000 USD hoặc tương đương", "USD 5,000 or "
           "equivalent"), ("10.000 USD", "USD 10,000"), ("Không phải khai báo", "Never")),
        Q(1, "Cơ quan Hải quan được giao tiến hành một số hoạt động điều tra đối với những tội "
             "nào theo Bộ luật Tố tụng hình sự 2015?",
          "For which crimes may Customs carry out some investigative acts under the Criminal "
          "Procedure Code 2015?", "ad",
          ("Tội buôn lậu", "Smuggling"),
          ("Tội giết người", "Murder"),
          ("Tội trộm cắp tài sản", "Theft"),
          ("Tội vận chuyển trái phép hàng hoá, tiền tệ qua biên giới",
           "Illegal cross-border transport of goods or currency")),
        Q(1, "\"Tạm giữ\" tang vật khác \"tịch thu\" ở điểm nào?",
          "How does \"temporary seizure\" differ from \"confiscation\"?", "a",
          ("Tạm giữ là biện pháp ngăn chặn, bảo đảm xử lý; tịch thu là hình thức xử phạt",
           "Seizure is a preventive, securing measure; confiscation is a sanction"),
          ("Không có khác nhau", "There is none"),
          ("Tạm giữ là hình thức xử phạt chính", "Seizure is a main sanction"),
          ("Tịch thu không cần quyết định", "Confiscation needs no decision")),
        Q(2, "Khi khám xét hành lý của hành khách có dấu hiệu cất giấu hàng cấm, công chức "
             "phải bảo đảm điều gì?",
          "Searching a passenger's baggage suspected of hiding prohibited goods, what must "
          "the officer ensure?", "c",
          ("Khám xét bí mật, không cho hành khách biết", "Search secretly"),
          ("Không cần lập biên bản nếu không phát hiện", "No record if nothing is found"),
          ("Thực hiện theo đúng thẩm quyền, trình tự, có người chứng kiến khi quy định, lập "
           "biên bản và giao bản sao cho người liên quan",
           "Act within authority and procedure, with witnesses where required, draw up a "
           "record and give a copy to the person"),
          ("Giữ lại hộ chiếu của hành khách", "Keep the passport")),
        Q(2, "Đối tượng vận chuyển hàng hoá trị giá 80 triệu đồng qua biên giới trái phép, "
             "trước đó chưa bị xử phạt hành chính hay có án tích về hành vi này. Hướng xử lý?",
          "Someone illegally carries goods worth VND 80 million across the border, with no "
          "earlier administrative sanction or conviction for it. What applies?", "b",
          ("Truy cứu trách nhiệm hình sự tội buôn lậu", "Prosecution for smuggling"),
          ("Xử phạt vi phạm hành chính (trừ trường hợp hàng là di vật, cổ vật hoặc thuộc "
           "trường hợp khác Bộ luật Hình sự quy định)",
           "An administrative sanction (unless the goods are relics or antiques or another "
           "case the Criminal Code lists)"),
          ("Không xử lý vì dưới 100 triệu đồng", "Nothing: under VND 100 million"),
          ("Chỉ nhắc nhở", "A warning only")),
        Q(2, "Những thủ đoạn nào thường gặp trong buôn lậu qua đường hàng không?",
          "Which tricks are common in smuggling by air?", "abd",
          ("Cất giấu trong hành lý có ngăn bí mật", "Hidden compartments in baggage"),
          ("Chia nhỏ hàng cho nhiều người mang hộ", "Splitting goods among couriers"),
          ("Khai báo đầy đủ, trung thực", "Full and truthful declaration"),
          ("Khai sai tên hàng trong hàng chuyển phát nhanh", "Misdescribing express "
           "parcels")),
        Q(2, "Phát hiện vụ việc có dấu hiệu tội phạm trong quá trình xử lý vi phạm hành chính. "
             "Cách làm đúng?",
          "Signs of a crime emerge while handling an administrative violation. What is "
          "right?", "c",
          ("Xử phạt hành chính rồi chuyển hồ sơ", "Fine first, then refer"),
          ("Vừa xử phạt vừa chuyển hồ sơ", "Fine and refer at once"),
          ("Chuyển ngay hồ sơ cho cơ quan tiến hành tố tụng có thẩm quyền, không ra quyết "
           "định xử phạt hành chính",
           "Refer the file at once to the competent prosecuting body, without an "
           "administrative penalty decision"),
          ("Tự điều tra đến khi kết thúc", "Investigate alone to the end")),
        Q(3, "Cơ quan tiến hành tố tụng quyết định không khởi tố vụ án đối với hồ sơ hải quan "
             "đã chuyển. Hải quan xử lý tiếp thế nào?",
          "The prosecuting body decides not to prosecute a case Customs referred. What "
          "next?", "a",
          ("Hồ sơ được chuyển lại để xem xét xử phạt vi phạm hành chính theo quy định",
           "The file comes back for an administrative sanction as provided"),
          ("Kết thúc vụ việc, trả lại hàng hoá", "Close it and return the goods"),
          ("Khởi tố lại", "Prosecute anyway"),
          ("Không thể xử lý gì nữa", "Nothing more can be done")),
        Q(3, "Trong một vụ việc, hàng hoá có trị giá 60 triệu đồng nhưng đối tượng đã bị xử "
             "phạt vi phạm hành chính về hành vi buôn lậu và chưa hết thời hạn được coi là "
             "chưa bị xử phạt. Nhận định nào đúng?",
          "Goods are worth VND 60 million, but the person was already sanctioned "
          "administratively for smuggling and that sanction has not lapsed. Which is "
          "right?", "b",
          ("Chỉ xử phạt hành chính vì dưới 100 triệu đồng", "Administrative only: under "
           "VND 100 million"),
          ("Có dấu hiệu tội buôn lậu dù trị giá dưới 100 triệu đồng; chuyển cơ quan có thẩm "
           "quyền",
           "Signs of the crime despite the value; refer to the competent body"),
          ("Không xử lý", "Nothing"),
          ("Chỉ tịch thu hàng", "Confiscation only")),
        Q(3, "Khi phối hợp với lực lượng khác trong kiểm soát địa bàn biên giới, nguyên tắc nào "
             "đúng?",
          "Working with other forces in border control, which principle is right?", "d",
          ("Mỗi lực lượng hoạt động riêng, không chia sẻ thông tin", "Each works alone, "
           "sharing nothing"),
          ("Hải quan chỉ đạo mọi lực lượng khác", "Customs commands everyone"),
          ("Chia sẻ mọi thông tin, kể cả thông tin mật, qua mạng xã hội", "Share everything, "
           "secrets included, on social networks"),
          ("Phối hợp theo quy chế, trao đổi thông tin qua kênh được phép, đúng chức năng, "
           "thẩm quyền của từng lực lượng",
           "Work together under the agreed rules, share information through permitted "
           "channels, each within its own powers")),
        Q(3, "Những căn cứ nào được dùng để nhận diện dấu hiệu tội phạm thay vì vi phạm hành "
             "chính?",
          "Which grounds point to a crime rather than an administrative violation?", "abc",
          ("Trị giá hàng hoá", "The value of the goods"),
          ("Nhân thân (đã bị xử phạt, có án tích)", "Background (earlier sanctions or "
           "convictions)"),
          ("Đối tượng là di vật, cổ vật; tính chất, thủ đoạn vi phạm",
           "Relics or antiques; the nature and methods of the act"),
          ("Người vi phạm đi bằng đường hàng không", "The offender travelled by air")),
    ],
    # -- XLVP.01 Xử lý vi phạm hành chính về hải quan ----------------------------------------
    "XLVP.01": [
        Q(1, "Nghị định nào quy định xử phạt vi phạm hành chính trong lĩnh vực hải quan?",
          "Which decree regulates administrative sanctions in the customs field?", "a",
          ("Nghị định 128/2020/NĐ-CP", "Decree 128/2020/NĐ-CP"),
          ("Nghị định 08/2015/NĐ-CP", "Decree 08/2015/NĐ-CP"),
          ("Nghị định 59/2018/NĐ-CP", "Decree 59/2018/NĐ-CP"),
          ("Nghị định 85/2019/NĐ-CP", "Decree 85/2019/NĐ-CP")),
        Q(1, "Những hình thức nào chỉ được áp dụng là hình thức xử phạt chính?",
          "Which sanctions can only be main sanctions?", "ab",
          ("Cảnh cáo", "A warning"), ("Phạt tiền", "A fine"),
          ("Tịch thu tang vật, phương tiện vi phạm", "Confiscation of exhibits and means"),
          ("Trục xuất", "Expulsion")),
        Q(1, "Theo nguyên tắc xử phạt, mức phạt tiền đối với tổ chức so với cá nhân có cùng "
             "hành vi vi phạm là bao nhiêu?",
          "By the principles of sanctions, how does an organisation's fine compare with an "
          "individual's for the same act?", "c",
          ("Bằng nhau", "The same"), ("Gấp 1,5 lần", "1.5 times"), ("Gấp 02 lần", "Twice"),
          ("Gấp 03 lần", "Three times")),
        Q(1, "Biện pháp khắc phục hậu quả có phải là hình thức xử phạt không?",
          "Is a remedial measure a sanction?", "d",
          ("Có, là hình thức xử phạt chính", "Yes, a main sanction"),
          ("Có, là hình thức xử phạt bổ sung", "Yes, an additional sanction"),
          ("Có, thay thế cho phạt tiền", "Yes, instead of a fine"),
          ("Không; biện pháp khắc phục hậu quả nhằm loại bỏ hậu quả, khôi phục trật tự quản "
           "lý",
           "No: it removes the consequences and restores order")),
        Q(1, "Trường hợp nào được xử phạt không lập biên bản?",
          "When may a sanction be imposed without a written record?", "b",
          ("Phạt tiền đến 5 triệu đồng với cá nhân", "A fine up to VND 5 million for an "
           "individual"),
          ("Cảnh cáo hoặc phạt tiền đến 250.000 đồng với cá nhân, 500.000 đồng với tổ chức",
           "A warning, or a fine up to VND 250,000 for an individual or VND 500,000 for an "
           "organisation"),
          ("Mọi trường hợp người vi phạm đồng ý", "Whenever the offender agrees"),
          ("Khi vi phạm xảy ra ngoài giờ hành chính", "Outside office hours")),
        Q(2, "Công ty E khai sai mã số hàng hoá làm thiếu 200 triệu đồng tiền thuế, do cơ quan "
             "hải quan phát hiện khi kiểm tra hồ sơ. Mức phạt tiền là bao nhiêu?",
          "Company E misclassified goods, underpaying VND 200 million in duty; Customs found "
          "it in the file check. What is the fine?", "c",
          ("20 triệu đồng (10%)", "VND 20 million (10%)"),
          ("200 triệu đồng (100%)", "VND 200 million (100%)"),
          ("40 triệu đồng (20% số thuế khai thiếu)", "VND 40 million (20% of the duty "
           "underpaid)"),
          ("600 triệu đồng (3 lần)", "VND 600 million (3 times)")),
        Q(2, "Trong ví dụ khai sai làm thiếu thuế 200 triệu đồng, doanh nghiệp phải nộp những "
             "khoản nào?",
          "In the case of VND 200 million duty underpaid by misdeclaration, what must the "
          "company pay?", "abd",
          ("Tiền phạt theo quyết định xử phạt", "The fine in the penalty decision"),
          ("Số tiền thuế còn thiếu", "The duty still owed"),
          ("Tiền bồi thường cho công chức hải quan", "Compensation to the officer"),
          ("Tiền chậm nộp theo quy định (nếu có)", "Late-payment interest as provided, if "
           "any")),
        Q(2, "Một người thực hiện hai hành vi vi phạm hành chính khác nhau trong cùng vụ việc. "
             "Cách ra quyết định đúng?",
          "One person commits two different violations in the same case. How is the "
          "decision made?", "b",
          ("Chỉ xử phạt hành vi nặng nhất", "Sanction only the gravest"),
          ("Ra một quyết định xử phạt, trong đó quyết định hình thức, mức phạt đối với từng "
           "hành vi",
           "One penalty decision, setting the sanction for each act"),
          ("Cộng hai mức phạt rồi giảm một nửa", "Add the fines and halve them"),
          ("Không xử phạt vì đã có nhiều hành vi", "No sanction: too many acts")),
        Q(2, "Thời hạn ra quyết định xử phạt thông thường kể từ ngày lập biên bản vi phạm hành "
             "chính là bao lâu?",
          "What is the usual time limit to issue a penalty decision after the violation "
          "record?", "a",
          ("07 ngày làm việc", "7 working days"), ("30 ngày", "30 days"),
          ("03 tháng", "3 months"), ("01 năm", "1 year")),
        Q(2, "Hàng hoá vi phạm thuộc diện bị tịch thu nhưng doanh nghiệp đã bán hết. Biện pháp "
             "áp dụng?",
          "Goods liable to confiscation have already been sold. What applies?", "d",
          ("Không xử lý được", "Nothing can be done"),
          ("Tịch thu hàng hoá khác của doanh nghiệp", "Confiscate other goods"),
          ("Tăng mức phạt tiền gấp đôi", "Double the fine"),
          ("Buộc nộp lại số tiền bằng trị giá tang vật đã bị tiêu thụ",
           "Order payment of a sum equal to the value of the goods sold")),
        Q(3, "Ranh giới giữa hành vi khai sai dẫn đến thiếu thuế (phạt 20%) và hành vi trốn "
             "thuế (phạt 1–3 lần) nằm ở đâu?",
          "Where is the line between misdeclaration causing underpaid duty (20% fine) and "
          "tax evasion (1–3 times)?", "c",
          ("Ở số tiền thuế thiếu lớn hay nhỏ", "In the size of the shortfall"),
          ("Ở việc doanh nghiệp là trong nước hay nước ngoài", "In whether the company is "
           "foreign"),
          ("Ở lỗi và thủ đoạn (ví dụ sử dụng chứng từ giả, cố ý khai sai), phải chứng minh "
           "bằng hồ sơ",
           "In fault and method (e.g. forged documents, deliberate misdeclaration), proven "
           "by the file"),
          ("Ở thời điểm phát hiện", "In when it was found")),
        Q(3, "Hành khách mang theo thực phẩm đã hư hỏng, không rõ nguồn gốc, không khai báo. "
             "Ngoài hình thức xử phạt chính, biện pháp nào phù hợp?",
          "A passenger carries spoiled food of unknown origin, undeclared. Besides the main "
          "sanction, which measure fits?", "b",
          ("Buộc tái xuất", "Order re-export"),
          ("Buộc tiêu huỷ hàng hoá gây hại cho sức khoẻ, nếu nghị định quy định cho hành vi đó",
           "Order destruction of goods harmful to health, where the decree provides it for "
           "the act"),
          ("Trả lại cho hành khách", "Return it to the passenger"),
          ("Bán đấu giá", "Auction it")),
        Q(3, "Vụ việc vượt quá thẩm quyền xử phạt của người lập biên bản. Cách làm đúng?",
          "A case exceeds the sanctioning powers of the officer who made the record. What is "
          "right?", "a",
          ("Chuyển biên bản và hồ sơ cho người có thẩm quyền xử phạt",
           "Pass the record and file to the person with the power to sanction"),
          ("Vẫn ra quyết định xử phạt ở mức tối đa thẩm quyền", "Decide anyway at the "
           "maximum of one's power"),
          ("Chia nhỏ hành vi để thuộc thẩm quyền", "Split the act to fit one's powers"),
          ("Huỷ biên bản", "Destroy the record")),
        Q(3, "Một hành vi vừa có dấu hiệu vi phạm hành chính, vừa có dấu hiệu tội phạm. Nhận "
             "định nào đúng?",
          "An act shows signs of both an administrative violation and a crime. Which is "
          "right?", "d",
          ("Vừa xử phạt hành chính vừa truy cứu trách nhiệm hình sự", "Both sanction and "
           "prosecute"),
          ("Chỉ xử phạt hành chính cho nhanh", "Sanction administratively, faster"),
          ("Người vi phạm được chọn hình thức xử lý", "The offender chooses"),
          ("Không thể vừa xử phạt hành chính vừa truy cứu trách nhiệm hình sự; có dấu hiệu "
           "tội phạm thì chuyển hồ sơ cho cơ quan tiến hành tố tụng",
           "It cannot be both; with signs of a crime, refer the file to the prosecuting "
           "body")),
        Q(3, "Quá thời hiệu xử phạt vi phạm hành chính nhưng hàng hoá vi phạm là hàng gây hại "
             "cho môi trường. Cách xử lý đúng?",
          "The limitation period for a sanction has passed, but the goods harm the "
          "environment. What is right?", "c",
          ("Xử phạt như bình thường", "Sanction as usual"),
          ("Trả lại hàng hoá cho chủ hàng", "Return the goods"),
          ("Không ra quyết định xử phạt, nhưng vẫn có thể áp dụng biện pháp khắc phục hậu "
           "quả theo quy định",
           "No penalty decision, but remedial measures may still be applied as provided"),
          ("Chuyển cơ quan điều tra", "Refer to investigators")),
    ],
}


def load(seed: int | None = None) -> str:
    """Add the demo question bank and exam (idempotent); a one-line summary."""
    existing = set(db.session.scalars(sa.select(BankItem.code)))
    added = 0
    for code, items in BANK.items():
        numbers: dict[int, int] = {}
        for level, stem_vi, stem_en, right, options in items:
            numbers[level] = numbers.get(level, 0) + 1
            item_code = f"{code}-{level}-{numbers[level]:03d}"
            if item_code in existing:
                continue
            kind = "multiple" if len(right) > 1 else "single"
            db.session.add(BankItem(
                code=item_code, competency_code=code, level=level, kind=kind,
                stem_vi=stem_vi, stem_en=stem_en, active=True,
                options=[{"id": letter, "text_vi": vi, "text_en": en,
                          "correct": letter in right}
                         for letter, (vi, en) in zip("abcdef", options, strict=False)]))
            added += 1
    db.session.flush()
    exam_state = _load_exam()
    return f"{added} question bank items, exam {EXAM_CODE} {exam_state}"


def _load_exam() -> str:
    from lms_core.errors import UserError
    from plugins.competency import assessments

    exam = db.session.scalar(sa.select(Exam).where(Exam.code == EXAM_CODE))
    if exam is None:
        exam = Exam(code=EXAM_CODE, title_vi=EXAM_TITLE[0], title_en=EXAM_TITLE[1],
                    time_limit_minutes=EXAM_MINUTES, pass_ratio=0.7, open=False)
        db.session.add(exam)
        db.session.flush()
        for competency, level, count in EXAM_PARTS:
            db.session.add(ExamPart(exam_id=exam.id, competency_code=competency, level=level,
                                    item_count=count))
        db.session.flush()
        db.session.expire(exam, ["parts"])
    if not exam.open:
        try:
            with db.session.begin_nested():
                assessments.open_exam(exam)
        except UserError:
            return "(closed: no published framework holds its competencies)"
    return "(open)"
