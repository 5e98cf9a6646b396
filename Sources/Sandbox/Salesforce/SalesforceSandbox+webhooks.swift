import Foundation
import NIOConcurrencyHelpers

extension SalesforceSandbox {
    /// Sends an `OrderChangeEvent` (Change Data Capture, `UPDATE` of `Status`) for `orderID`, signed with the
    /// webhook secret (see the type's documentation), when a receiver is configured.
    func emitOrderChange(orderID: String, status: String, at date: Date) {
        guard control.webhookURL != nil else { return }
        let replayID = state.withLockedValue { store in
            store.replayID += 1
            return store.replayID
        }
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        var event = changeEventTemplate
        event["data"]["payload"]["ChangeEventHeader"]["recordIds"] = [.string(orderID)]
        event["data"]["payload"]["ChangeEventHeader"]["changeType"] = "UPDATE"
        event["data"]["payload"]["ChangeEventHeader"]["changedFields"] = ["Status", "LastModifiedDate"]
        event["data"]["payload"]["ChangeEventHeader"]["commitTimestamp"] = .int(milliseconds)
        event["data"]["payload"]["ChangeEventHeader"]["commitNumber"] = .int(10_716_283_339_728 + replayID)
        event["data"]["payload"]["ChangeEventHeader"]["commitUser"] = .string(Self.integrationUserID)
        event["data"]["payload"]["ChangeEventHeader"]["transactionKey"] = .string(UUID().uuidString.lowercased())
        event["data"]["payload"]["Status"] = .string(status)
        event["data"]["payload"]["LastModifiedDate"] = .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        event["data"]["event"] = ["replayId": .int(replayID)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let body = try? encoder.encode(event) else { return }
        let timestamp = Int64(date.timeIntervalSince1970)
        let signature = SandboxSigning.timestamped(secret: sandboxCredentials.webhookSecret, timestamp: timestamp, body: body)
        webhooks.sendDetached(
            event: "OrderChangeEvent",
            body: body,
            headers: [("X-Salesforce-Signature", signature), ("X-Salesforce-Timestamp", String(timestamp))]
        )
    }
}
