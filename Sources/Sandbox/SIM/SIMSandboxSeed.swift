import Domain
import Foundation

/// The SIM sandbox's demo data, built from `fixtures/upstream/sim/`: Alice's account detail
/// (`master_getAcnt.json`), Bob's line (`master_getLine.json`, moved to `ACC-BOB`), usage from
/// `mvno_getTrafficInfo.json` (varied for the other lines), and a pool of free cards with valid ICCIDs.
enum SIMSandboxSeed {
    enum Failure: Error, CustomStringConvertible {
        case field(String, String)
        var description: String {
            switch self {
            case .field(let file, let path): "SIM seed fixture \(file) lacks a string at \(path)"
            }
        }
    }

    static func state(poolSize: Int = SIMSandbox.poolSize) throws -> SIMSandboxState {
        var state = SIMSandboxState()
        let account = try SandboxFixtures.json("sim/master_getAcnt.json")
        let bob = try SandboxFixtures.json("sim/master_getLine.json")
        let traffic = try SandboxFixtures.json("sim/mvno_getTrafficInfo.json")
        let aliceUsage = try string(traffic["traffic"]["usedBytes"], "mvno_getTrafficInfo.json", "$.traffic.usedBytes")
        let used = Int64(aliceUsage) ?? 0

        state.accounts[SIMSandbox.aliceAccountID] = .init(name: "Alice Demo", lineIDs: [])
        state.accounts[SIMSandbox.bobAccountID] = .init(name: "Bob Demo", lineIDs: [])
        let aliceLines = account["account"]["lines"].array ?? []
        for (index, raw) in aliceLines.enumerated() {
            // Line 1 carries the fixture's usage; the others vary it so each line reads differently.
            var line = try line(raw, file: "master_getAcnt.json", path: "$.account.lines[\(index)]", usedBytes: used * Int64(1 + 5 * index))
            line.account = SIMSandbox.aliceAccountID
            insert(line, into: &state)
        }
        var bobLine = try line(bob["line"], file: "master_getLine.json", path: "$.line", usedBytes: used / 12)
        bobLine.account = SIMSandbox.bobAccountID
        insert(bobLine, into: &state)

        // Pool cards: ICCIDs 898110000055500NNN + Luhn digit, numbers 09055500NNN (at most 999).
        for number in 1...min(max(poolSize, 1), 999) {
            let serial = String(format: "%03d", number)
            let body = "898110000055500" + serial
            state.pool.append(.init(iccid: body + String(ICCID.luhnCheckDigit(body)), msisdn: "09055500" + serial))
        }
        return state
    }

    private static func insert(_ line: SIMSandboxState.Line, into state: inout SIMSandboxState) {
        state.lines[line.msisdn] = line
        state.accounts[line.account]?.lineIDs.append(line.msisdn)
    }

    private static func line(_ raw: JSONValue, file: String, path: String, usedBytes: Int64) throws -> SIMSandboxState.Line {
        func field(_ name: String) throws -> String { try string(raw[name], file, path + "." + name) }
        return SIMSandboxState.Line(
            msisdn: try field("msisdn"),
            iccid: try field("iccid"),
            account: try field("account"),
            planCode: try field("planCode"),
            status: try field("status"),
            simType: try field("simType"),
            networkType: try field("networkType"),
            openingDate: try field("openingDate"),
            lockedBy: nil,
            usedBytes: usedBytes
        )
    }

    private static func string(_ value: JSONValue, _ file: String, _ path: String) throws -> String {
        guard let text = value.string else { throw Failure.field(file, path) }
        return text
    }
}
