import Domain
import Foundation
import Sandbox
import Testing

@testable import Providers

/// Fixture-driven mapping of the SIM platform's payloads (`fixtures/upstream/sim/`).
@Suite struct SIMMappingTests {
    static let folder = SandboxFixtures.directory.appendingPathComponent("sim", isDirectory: true)

    static func files(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func data(_ name: String) throws -> Data { try SandboxFixtures.data("sim/" + name) }

    /// 00:00 JST of a day, as an absolute instant.
    static func japanMidnight(_ year: Int, _ month: Int, _ day: Int) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 9 * 3600))
        return try #require(calendar.date(from: DateComponents(year: year, month: month, day: day)))
    }

    // MARK: Every file

    /// What each error payload maps to (the README §5 table).
    static let errorCodes: [String: (ProviderError.Code, String)] = [
        "error_auth_expired.json": (.unauthorized, "210"),
        "error_auth_failed.json": (.unauthorized, "211"),
        "error_invalid_parameter.json": (.rejected, "220"),
        "error_unknown_operation.json": (.rejected, "221"),
        "error_account_not_found.json": (.notFound, "230"),
        "error_line_not_found.json": (.notFound, "231"),
        "error_operation_not_found.json": (.notFound, "232"),
        "error_line_locked.json": (.conflict, "240"),
        "error_state_conflict.json": (.conflict, "241"),
        "error_request_conflict.json": (.conflict, "242"),
        "error_pool_exhausted.json": (.rejected, "250"),
        "error_rate_limited.json": (.rateLimited, "260"),
        "error_system.json": (.unavailable, "290"),
    ]

    @Test func everyFixtureMaps() throws {
        let names = Self.files(in: Self.folder)
        #expect(names.count >= 20)
        for name in names {
            let data = try Self.data(name)
            if name.hasPrefix("error_") {
                let expected = try #require(Self.errorCodes[name], "no expected code for \(name)")
                let error = try #require(throws: ProviderError.self) { try SIMPlatformPayload.checkResult(data, httpStatus: 200) }
                #expect(error.code == expected.0, "\(name)")
                #expect(error.upstreamCode == expected.1, "\(name)")
            } else if name.hasPrefix("authOem") {
                #expect(try !SIMPlatformPayload.authKey(data).value.isEmpty)
            } else if name.hasPrefix("master_getAcnt") {
                #expect(try !SIMPlatformPayload.lines(data).isEmpty)
            } else if name.hasPrefix("master_getLine") {
                _ = try SIMPlatformPayload.line(data)
            } else if name.hasPrefix("mvno_getTrafficInfo") {
                _ = try SIMPlatformPayload.usage(data)
            } else if name.hasPrefix("mvno_getOpStatus") || name.hasPrefix("mvno_changePlan") || name.hasPrefix("sim_") {
                _ = try SIMPlatformPayload.operation(data)
            } else if name.hasPrefix("webhook_") {
                _ = try SIMPlatformPayload.webhook(data)
            } else {
                Issue.record("fixture \(name) has no mapping test")
            }
        }
        #expect(Set(Self.errorCodes.keys).isSubset(of: Set(names)))
    }

    // MARK: Field by field

    @Test func accountDetailLines() throws {
        let lines = try SIMPlatformPayload.lines(Self.data("master_getAcnt.json"))
        try #require(lines.count == 2)
        let first = lines[0]
        #expect(first.id == "09012345678")
        #expect(first.accountID == "ACC-ALICE")
        #expect(first.iccid.value == "8981100000123400014")
        #expect(first.msisdn?.value == "819012345678")
        #expect(first.plan == "SIM-5GB")
        #expect(first.status == .active)
        #expect(first.usage == nil)
        #expect(first.pendingOperationID == nil)
        let second = lines[1]
        #expect(second.id == "08023456789")
        #expect(second.accountID == "ACC-ALICE")
        #expect(second.iccid.value == "8981100000123400022")
        #expect(second.msisdn?.value == "818023456789")
        #expect(second.plan == "SIM-20GB")
        #expect(second.status == .active)
    }

    @Test func lineDetail() throws {
        let line = try SIMPlatformPayload.line(Self.data("master_getLine.json"))
        #expect(line.id == "07034567890")
        #expect(line.accountID == "ACC-BOB")
        #expect(line.iccid.value == "8981100000123400030")
        #expect(line.msisdn?.value == "817034567890")
        #expect(line.plan == "SIM-5GB")
        #expect(line.status == .active)
        #expect(line.pendingOperationID == nil)
    }

    @Test func usage() throws {
        let usage = try SIMPlatformPayload.usage(Self.data("mvno_getTrafficInfo.json"))
        #expect(usage.usedBytes == 1_288_490_188)
        #expect(usage.limitBytes == 5_368_709_120)
        #expect(usage.periodStart == (try Self.japanMidnight(2025, 6, 1)))
        #expect(usage.periodEnd == (try Self.japanMidnight(2025, 7, 1)))
        #expect(usage.periodStart.timeIntervalSince1970 == 1_748_703_600)  // 2025-05-31T15:00:00Z
        #expect(usage.usedPerMille == 239)
    }

    @Test func unlimitedUsage() throws {
        let usage = try SIMPlatformPayload.usage(Self.data("mvno_getTrafficInfo_unlimited.json"))
        #expect(usage.usedBytes == 53_687_091_200)
        #expect(usage.limitBytes == nil)
        #expect(usage.usedPerMille == nil)
        #expect(usage.periodStart == (try Self.japanMidnight(2025, 2, 1)))
        #expect(usage.periodEnd == (try Self.japanMidnight(2025, 3, 1)))
    }

    @Test func operations() throws {
        let submitted = try SIMPlatformPayload.operation(Self.data("mvno_changePlan.json"))
        #expect(submitted == SIMOperation(id: "OP-000123", kind: .planChange, lineID: "09012345678", status: .pending))
        let completed = try SIMPlatformPayload.operation(Self.data("mvno_getOpStatus.json"))
        #expect(completed == SIMOperation(id: "OP-000123", kind: .planChange, lineID: "09012345678", status: .succeeded))
        let failed = try SIMPlatformPayload.operation(Self.data("mvno_getOpStatus_failed.json"))
        #expect(
            failed
                == SIMOperation(
                    id: "OP-000131",
                    kind: .activate,
                    lineID: "09055500003",
                    status: .failed,
                    errorCode: "510",
                    errorMessage: "network element refused the change"
                )
        )
        let allocate = try SIMPlatformPayload.operation(Self.data("sim_allocate.json"))
        #expect(allocate == SIMOperation(id: "OP-000130", kind: .allocate, lineID: "09055500003", status: .pending))
        let deactivate = try SIMPlatformPayload.operation(Self.data("sim_deactivate.json"))
        #expect(deactivate == SIMOperation(id: "OP-000140", kind: .deactivate, lineID: "08023456789", status: .running))
    }

    @Test func authKey() throws {
        let key = try SIMPlatformPayload.authKey(Self.data("authOem.json"))
        #expect(key == SIMPlatformAuthKey(value: "AK-3f1c9e0d7b2a4c6e8f001122", lifetime: .seconds(3600)))
    }

    @Test func webhookEvent() throws {
        let event = try SIMPlatformPayload.webhook(Self.data("webhook_line_activated.json"))
        #expect(event.eventID == "EVT-000007")
        #expect(event.type == "line.activated")
        #expect(event.operation == SIMOperation(id: "OP-000132", kind: .activate, lineID: "09055500003", status: .succeeded))
        #expect(event.line.id == "09055500003")
        #expect(event.line.msisdn?.value == "819055500003")
        #expect(event.line.iccid.value == "8981100000555000035")
        #expect(event.line.accountID == "ACC-BOB")
        #expect(event.line.plan == "SIM-20GB")
        #expect(event.line.status == .active)
    }

    // MARK: Broken payloads

    /// Each `derived/broken_*.json` and the path its `invalidPayload` must name.
    static let brokenPaths: [String: String] = [
        "broken_authOem_bad_expiresIn.json": "$.expiresIn",
        "broken_authOem_missing_authKey.json": "$.authKey",
        "broken_changePlan_empty_operationId.json": "$.operation.operationId",
        "broken_getAcnt_bad_iccid_checksum.json": "$.account.lines[0].iccid",
        "broken_getAcnt_lines_not_array.json": "$.account.lines",
        "broken_getAcnt_missing_iccid.json": "$.account.lines[1].iccid",
        "broken_getAcnt_missing_resultCode.json": "$.resultCode",
        "broken_getAcnt_unknown_status.json": "$.account.lines[1].status",
        "broken_getLine_bad_msisdn.json": "$.line.msisdn",
        "broken_getLine_null_lockedBy.json": "$.line.lockedBy",
        "broken_getOpStatus_missing_status.json": "$.operation.status",
        "broken_getOpStatus_unknown_kind.json": "$.operation.kind",
        "broken_getTrafficInfo_bad_period_end.json": "$.traffic.periodEnd",
        "broken_getTrafficInfo_negative_quota.json": "$.traffic.quotaBytes",
        "broken_getTrafficInfo_used_not_digits.json": "$.traffic.usedBytes",
        "broken_getTrafficInfo_used_number.json": "$.traffic.usedBytes",
    ]

    @Test func everyBrokenVariantIsListed() {
        let names = Self.files(in: Self.folder.appendingPathComponent("derived", isDirectory: true))
        #expect(Set(names) == Set(Self.brokenPaths.keys))
    }

    @Test(arguments: SIMMappingTests.brokenPaths.keys.sorted())
    func brokenVariantNamesItsPath(_ name: String) throws {
        let data = try SandboxFixtures.data("sim/derived/" + name)
        let error = try #require(throws: ProviderError.self) {
            if name.hasPrefix("broken_authOem") {
                _ = try SIMPlatformPayload.authKey(data)
            } else if name.hasPrefix("broken_getAcnt") {
                _ = try SIMPlatformPayload.lines(data)
            } else if name.hasPrefix("broken_getLine") {
                _ = try SIMPlatformPayload.line(data)
            } else if name.hasPrefix("broken_getTrafficInfo") {
                _ = try SIMPlatformPayload.usage(data)
            } else {
                _ = try SIMPlatformPayload.operation(data)
            }
        }
        #expect(error.code == .invalidPayload)
        #expect(error.provider == .sim)
        #expect(error.path == Self.brokenPaths[name])
    }

    // MARK: Envelope and numbers

    @Test func nonSuccessWithoutEnvelopeMapsTheHTTPStatus() throws {
        let html = Data("<html>not here</html>".utf8)
        let expectations: [(Int, ProviderError.Code)] = [
            (401, .unauthorized), (403, .unauthorized), (404, .notFound), (409, .conflict), (400, .rejected), (422, .rejected),
            (302, .unavailable),
        ]
        for (status, code) in expectations {
            let error = try #require(throws: ProviderError.self) { try SIMPlatformPayload.checkResult(html, httpStatus: status) }
            #expect(error.code == code, "HTTP \(status)")
            #expect(error.upstreamStatus == status)
        }
        let unknown = try #require(throws: ProviderError.self) {
            try SIMPlatformPayload.checkResult(Data(#"{"resultCode":"299"}"#.utf8), httpStatus: 200)
        }
        #expect(unknown.code == .rejected && unknown.upstreamCode == "299")
        let limited = try #require(throws: ProviderError.self) {
            try SIMPlatformPayload.checkResult(Self.data("error_rate_limited.json"), httpStatus: 200, retryAfter: .seconds(2))
        }
        #expect(limited.retryAfter == .seconds(2))
        #expect(!limited.detail.contains("getTrafficInfo"), "the platform's message is not copied into the log-safe detail")
        try SIMPlatformPayload.checkResult(Self.data("master_getAcnt.json"), httpStatus: 200)
    }

    @Test func phoneNumbers() throws {
        #expect(SIMPlatformNumber.e164("09012345678") == "819012345678")
        #expect(SIMPlatformNumber.e164("0312345678") == "81312345678")
        #expect(SIMPlatformNumber.e164("819012345678") == "819012345678")
        #expect(SIMPlatformNumber.e164("0012345678") == "0012345678")
        #expect(SIMPlatformNumber.platform("819012345678") == "09012345678")
        #expect(SIMPlatformNumber.platform("+819012345678") == "09012345678")
        #expect(SIMPlatformNumber.platform("09012345678") == "09012345678")
        #expect(SIMPlatformNumber.platform("4915112345678") == "4915112345678")
    }

    @Test func platformDates() throws {
        #expect(SIMPlatformDate.day("20240229") == (try Self.japanMidnight(2024, 2, 29)))
        #expect(SIMPlatformDate.day("20250229") == nil)
        #expect(SIMPlatformDate.day("2025061") == nil)
        #expect(SIMPlatformDate.day("2025-6-1") == nil)
        #expect(SIMPlatformDate.instant("20250615103005")?.timeIntervalSince1970 == 1_749_951_005)
        #expect(SIMPlatformDate.instant("20250615246000") == nil)
        #expect(SIMPlatformDecimal.int64("") == nil)
        #expect(SIMPlatformDecimal.int64("+1") == nil)
        #expect(SIMPlatformDecimal.int64("999999999999999999") == 999_999_999_999_999_999)
        #expect(SIMPlatformDecimal.int64("9999999999999999999") == nil)
    }
}
