import Foundation
import HTTP
import Testing
@testable import Portal
import Store

/// The audit log's screen and CSV: filters, newest first, pages, an agency administrator kept to
/// their agency's entries, exports recorded, cells a spreadsheet would run defused.
@Suite struct AdminAuditTests {
    let fixture = AdminFixture.shared

    /// Entries of a probe user of their own in stnmt and one in syt.
    struct Probes {
        let stnmt: String
        let syt: String
    }

    func probes(_ demo: AdminFixture) throws -> Probes {
        let log = AuditRepository(demo.database)
        let agencies = AgencyRepository(demo.database)
        let stnmt = try #require(try agencies.find(code: "stnmt")), syt = try #require(try agencies.find(code: "syt"))
        let probes = Probes(stnmt: AdminSupport.unique("tham-do"), syt: AdminSupport.unique("tham-do"))
        try log.append(AuditEntry(userID: nil, username: probes.stnmt, agencyID: stnmt.id, action: "probe.first", target: "muc-a"))
        try log.append(AuditEntry(userID: nil, username: probes.stnmt, agencyID: stnmt.id, action: "probe.second", target: "muc-b",
                                  detail: "Ông \"Ba\", phường Mạo Khê\nngày 2"))
        try log.append(AuditEntry(userID: nil, username: probes.stnmt, agencyID: stnmt.id, action: "probe.second", target: "=HYPERLINK(\"http://x\")",
                                  detail: "+1, -2, @SUM(A1)"))
        try log.append(AuditEntry(userID: nil, username: probes.syt, agencyID: syt.id, action: "probe.first", target: "bi-mat-syt"))
        return probes
    }

    static var today: String { String(ISO8601DateFormatter().string(from: Date()).prefix(10)) }

    static func day(_ offset: Int) -> String {
        String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(offset) * 86_400)).prefix(10))
    }

    @Test func theScreenFiltersByUserActionAndDate() throws {
        let demo = try #require(fixture)
        let probes = try probes(demo)
        var admin = try Browser.signedIn(demo, "sysadmin")
        let byUser = try admin.get("/admin/audit?user=\(probes.stnmt)")
        #expect(byUser.status == 200)
        #expect(byUser.text.contains("muc-a") && byUser.text.contains("muc-b") && !byUser.text.contains("bi-mat-syt"))
        let newer = try #require(byUser.text.range(of: "muc-b")), older = try #require(byUser.text.range(of: "muc-a"))
        #expect(newer.lowerBound < older.lowerBound, "newest first")
        #expect(byUser.text.contains("(3)"))
        let byAction = try admin.get("/admin/audit?user=\(probes.stnmt)&action=probe.second")
        #expect(!byAction.text.contains("muc-a") && byAction.text.contains("muc-b"))
        let today = try admin.get("/admin/audit?user=\(probes.stnmt)&from=\(Self.today)&to=\(Self.today)")
        #expect(today.text.contains("muc-a"), "the last day is included")
        let tomorrow = try admin.get("/admin/audit?user=\(probes.stnmt)&from=\(Self.day(1))")
        #expect(!tomorrow.text.contains("muc-a"))
        let yesterday = try admin.get("/admin/audit?user=\(probes.stnmt)&to=\(Self.day(-1))")
        #expect(!yesterday.text.contains("muc-a"))
        let byAgency = try admin.get("/admin/audit?agency=syt&action=probe.first")
        #expect(byAgency.text.contains("bi-mat-syt") && !byAgency.text.contains("muc-a"))
        for bad in ["from=2025-02-30", "to=25-1-1", "from=h%C3%B4m-nay"] {
            let response = try admin.get("/admin/audit?\(bad)")
            #expect(response.status == 400, "\(bad)")
            #expect(response.text.contains("phải là một ngày có thật, dạng yyyy-mm-dd."), "\(bad)")
        }
        #expect(try admin.get("/admin/audit.csv?from=2025-13-01").status == 400)
    }

    @Test func anAgencyAdministratorSeesOnlyTheirAgencysEntries() throws {
        let demo = try #require(fixture)
        let probes = try probes(demo)
        var admin = try Browser.signedIn(demo, "stnmt.admin")
        let page = try admin.get("/admin/audit?action=probe.first")
        #expect(page.status == 200)
        #expect(page.text.contains("muc-a") && !page.text.contains("bi-mat-syt") && !page.text.contains(probes.syt))
        #expect(!page.text.contains("name=\"agency\""), "no agency filter to choose")
        #expect(try admin.get("/admin/audit?agency=syt").status == 404)
        #expect(try admin.get("/admin/audit?user=\(probes.syt)").text.contains("Không có mục nào khớp với bộ lọc."))
        let csv = try admin.get("/admin/audit.csv?action=probe.first")
        #expect(csv.status == 200)
        #expect(csv.text.contains("muc-a") && !csv.text.contains("bi-mat-syt"))
        #expect(try admin.get("/admin/audit.csv?agency=syt").status == 404)
        let everything = try admin.get("/admin/audit.csv")
        let agencies = everything.text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] }
        #expect(!agencies.isEmpty && agencies.allSatisfy { $0 == "\"stnmt\"" }, "every row is stnmt's")
    }

    @Test func theCSVIsQuotedDefusedAndItsExportRecorded() throws {
        let demo = try #require(fixture)
        let probes = try probes(demo)
        let exporter = try AdminSupport.account(demo, agency: "ttcntt", role: .sysadmin, prefix: "xuat")
        var admin = try Browser.signedIn(demo, exporter.username)
        let csv = try admin.get("/admin/audit.csv?user=\(probes.stnmt)")
        #expect(csv.status == 200)
        #expect(csv.headers["Content-Type"] == "text/csv; charset=utf-8")
        #expect(csv.headers["Content-Disposition"]?.hasPrefix("attachment; filename=\"bando-audit-") == true)
        #expect(Array(csv.bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a UTF-8 byte-order mark")
        let text = String(decoding: csv.bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "\"Thời gian (UTC)\",\"Người thực hiện\",\"Cơ quan\",\"Hành động\",\"Đối tượng\",\"Chi tiết\",\"Địa chỉ IP\"")
        #expect(text.contains(",\"probe.second\",\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1, -2, @SUM(A1)\","))
        #expect(text.contains(",\"muc-b\",\"Ông \"\"Ba\"\", phường Mạo Khê\nngày 2\","))
        #expect(text.hasSuffix("\r\n"))
        #expect(text.components(separatedBy: "probe.").count - 1 == 3, "three entries, newest first")
        let exports = try AuditRepository(demo.database).entries(AuditFilter(username: exporter.username, action: "audit.export"), limit: 10)
        #expect(exports.count == 1)
        #expect(exports.first?.target == "audit.csv" && exports.first?.agencyCode == "ttcntt")
        #expect(exports.first?.detail == "rows=3; user=\(probes.stnmt)")
        // Reading the screen is not recorded.
        _ = try admin.get("/admin/audit?user=\(probes.stnmt)")
        #expect(try AuditRepository(demo.database).count(AuditFilter(username: exporter.username)) == 2, "sign-in and export only")
    }

    @Test func cellsAreQuotedAndFormulasDefused() {
        #expect(AuditCSV.cell("plain") == "\"plain\"")
        #expect(AuditCSV.cell("a,b") == "\"a,b\"")
        #expect(AuditCSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(AuditCSV.cell("two\nlines") == "\"two\nlines\"")
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"] {
            #expect(AuditCSV.cell(formula) == "\"'\(formula)\"", "\(formula)")
        }
        #expect(AuditCSV.cell("a=b") == "\"a=b\"")
        #expect(AuditCSV.record(["x", ""]) == "\"x\",\"\"\r\n")
    }

    @Test func theLogIsPagedAHundredAtATime() throws {
        let demo = try #require(fixture)
        let user = AdminSupport.unique("nhieu")
        let log = AuditRepository(demo.database)
        for index in 1...105 {
            try log.append(AuditEntry(userID: nil, username: user, agencyID: nil, action: "probe.many", target: "muc-\(index)-x"))
        }
        var admin = try Browser.signedIn(demo, "sysadmin")
        let first = try admin.get("/admin/audit?user=\(user)")
        #expect(first.text.contains("muc-105-x") && !first.text.contains("muc-5-x"))
        #expect(first.text.contains("Trang 1/2") && first.text.contains("page=2"))
        let second = try admin.get("/admin/audit?user=\(user)&page=2")
        #expect(second.text.contains("muc-5-x") && second.text.contains("muc-1-x") && !second.text.contains("muc-6-x"))
        #expect(second.text.contains("Trang 2/2"))
        let csv = try admin.get("/admin/audit.csv?user=\(user)")
        #expect(csv.text.components(separatedBy: "\r\n").count == 1 + 105 + 1, "the export is not paged")
    }
}
