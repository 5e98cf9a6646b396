import Queue
import Testing

@Suite("Queue keys")
struct QueueKeysTests {
    @Test func everyKeySharesTheQueueHashTag() throws {
        let keys = QueueKeys(queue: try QueueName("fulfillment"))
        let all = QueueKeys.Kind.allCases.map(keys.key) + [keys.job("order-1")]
        for key in all {
            #expect(key.hasPrefix("atrium:{fulfillment}:"), "\(key)")
        }
        #expect(keys.key(.waiting) == "atrium:{fulfillment}:waiting")
        #expect(keys.job("order-1") == "atrium:{fulfillment}:job:order-1")
        #expect(Set(all).count == all.count)
    }

    @Test func prefixSeparatesKeyspaces() throws {
        let name = try QueueName("sync")
        #expect(QueueKeys(queue: name, prefix: "t:abc").key(.delayed) == "t:abc:{sync}:delayed")
    }

    @Test(arguments: ["", "Fulfillment", "a{b}", "with space", "x:y", String(repeating: "q", count: 65)])
    func rejectsUnsafeNames(_ name: String) {
        let error = #expect(throws: QueueError.self) { try QueueName(name) }
        #expect(error?.code == .invalidQueueName)
    }

    @Test(arguments: ["fulfillment", "webhooks", "sync", "notifications", "maintenance", "t-1_x"])
    func acceptsProductQueueNames(_ name: String) throws {
        #expect(try QueueName(name).rawValue == name)
    }
}
