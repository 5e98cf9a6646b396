public import Foundation
import NIOConcurrencyHelpers

/// The audit log in process memory: append-only, ids assigned in order.
public final class MemoryAuditLog: AuditLog {
    private let state = NIOLockedValueBox<[AuditEntry]>([])

    public init() {}

    @discardableResult
    public func append(_ entry: AuditEntry) async throws -> AuditEntry {
        state.withLockedValue { entries in
            var entry = entry
            entry.id = (entries.last?.id ?? 0) + 1
            entries.append(entry)
            return entry
        }
    }

    public func entries(matching filter: AuditFilter, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        let all = state.withLockedValue { $0 }
        var result: [AuditEntry] = []
        for entry in all.reversed() where result.count < max(0, limit) {
            if let before, entry.id >= before { continue }
            if let tenant = filter.tenant, entry.tenant != tenant { continue }
            if let actor = filter.actorID, entry.actorID != actor { continue }
            if let action = filter.action, entry.action != action { continue }
            if let subject = filter.subject, entry.subject != subject { continue }
            if let from = filter.from, entry.at < from { continue }
            if let until = filter.until, entry.at >= until { continue }
            result.append(entry)
        }
        return result
    }
}
