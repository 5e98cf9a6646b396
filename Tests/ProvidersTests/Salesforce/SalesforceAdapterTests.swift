import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import ProviderConformance
import Providers
import Sandbox
import Testing

/// Salesforce-specific behaviour beyond the CRM suite: API limits, a session refused after renewal, SOQL and
/// path safety, and the order change event end to end.
@Suite("Salesforce adapter")
struct SalesforceAdapterTests {
    static let invalidSession = #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#

    @Test func requestLimitExceededIsRateLimitedAndNotRetried() async throws {
        try await SalesforceTestOrg.with { org in
            let operation = SalesforceSandbox.accountGetOperation
            org.sandbox.control.inject(operation, .status(403, body: SalesforceSandbox.requestLimitExceededBody))
            let error = try await #require(throws: ProviderError.self) {
                try await org.provider().account(id: SalesforceSandbox.aliceAccountID)
            }
            #expect(error.code == .rateLimited)
            #expect(error.upstreamCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(org.sandbox.control.callCount(operation) == 1)
        }
    }

    @Test func aSessionRefusedAfterRenewalIsUnauthorized() async throws {
        try await SalesforceTestOrg.with { org in
            let operation = SalesforceSandbox.accountGetOperation
            org.sandbox.control.inject(operation, .status(401, body: Self.invalidSession), times: 2)
            let error = try await #require(throws: ProviderError.self) {
                try await org.provider().account(id: SalesforceSandbox.aliceAccountID)
            }
            #expect(error.code == .unauthorized)
            #expect(error.upstreamCode == "INVALID_SESSION_ID")
            #expect(org.sandbox.control.callCount(SalesforceSandbox.tokenOperation) == 2)
            #expect(org.sandbox.control.callCount(operation) == 2)
        }
    }

    @Test func quotesInAnEmailAreEscapedInSOQL() async throws {
        try await SalesforceTestOrg.with { org in
            let sneaky = try EmailAddress("x'OR'Name!='@demo.atrium.test")
            let found = try await org.provider().account(email: sneaky)
            #expect(found == nil)
            let call = try #require(org.sandbox.control.calls("GET /query Account").last)
            // `'` went out as `\'` (percent-encoded `%5C%27`), so the literal never ended early.
            #expect(call.query?.contains("x%5C%27OR%5C%27Name%21%3D%5C%27%40demo.atrium.test") == true)
        }
    }

    @Test(arguments: ["001' OR Name != '", "../Account/001DM00000ALICE1AA", "001DM0000", "001DM00000ALICE1AA?x=1"])
    func malformedIdsAreRejectedWithoutACall(_ id: String) async throws {
        try await SalesforceTestOrg.with { org in
            let provider = org.provider()
            try await expectProviderError(.rejected) { try await provider.account(id: id) }
            try await expectProviderError(.rejected) { try await provider.order(id: id) }
            try await expectProviderError(.rejected) { try await provider.supportCase(id: id) }
            try await expectProviderError(.rejected) { try await provider.cases(accountID: id, page: PageRequest()) }
            #expect(org.sandbox.control.callCount() == 0)
        }
    }

    @Test(arguments: [
        "http://evil.example/services/data/v60.0/query/01gDM0000000001AAA-10",
        "/services/data/v60.0/sobjects/Account/001DM00000ALICE1AA",
        "/services/data/v60.0/query/../sobjects/Account",
    ])
    func foreignCursorsAreRejectedWithoutACall(_ cursor: String) async throws {
        try await SalesforceTestOrg.with { org in
            try await expectProviderError(.rejected) {
                try await org.provider().cases(accountID: SalesforceSandbox.aliceAccountID, page: PageRequest(cursor: cursor))
            }
            #expect(org.sandbox.control.callCount() == 0)
        }
    }

    @Test func aSKUOutsideThePriceBookIsRejected() async throws {
        try await SalesforceTestOrg.with { org in
            let item = OrderItem(
                sku: try SKU("NOT-SOLD-HERE"), name: "Nothing", kind: .physical, quantity: try Quantity(1),
                unitPrice: Money(minorUnits: 100, currency: try Currency("EUR"))
            )
            let draft = try ExternalOrderDraft(
                accountID: SalesforceSandbox.aliceAccountID, atriumOrderID: "ord-unpriced", items: [item], effectiveDate: Date()
            )
            try await expectProviderError(.rejected) { try await org.provider().createOrder(draft) }
            #expect(org.sandbox.control.callCount("PATCH /sobjects/Order/Atrium_Order_Id__c/{value}") == 0)
        }
    }

    @Test func anOrderStatusChangeArrivesAsASignedChangeEvent() async throws {
        let received = NIOLockedValueBox<[(signature: String?, timestamp: String?, body: Data)]>([])
        let router = Router()
        router.post("/hooks/salesforce") { request, _ -> HTTPResponse.Status in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let signature = request.headers.first { $0.name.canonicalName == "x-salesforce-signature" }?.value
            let timestamp = request.headers.first { $0.name.canonicalName == "x-salesforce-timestamp" }?.value
            received.withLockedValue { $0.append((signature, timestamp, Data(buffer.readableBytesView))) }
            return .ok
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) }
        )
        try await receiver.test(.live) { _ in
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await SalesforceTestOrg.with { org in
                org.sandbox.control.webhookURL = "http://127.0.0.1:\(port)/hooks/salesforce"
                let provider = org.provider()
                let draft = try ExternalOrderDraft(
                    accountID: SalesforceSandbox.aliceAccountID, atriumOrderID: "ord-webhook-1",
                    items: [
                        OrderItem(
                            sku: try SKU("SIM-20GB"), name: "SIM 20 GB", kind: .sim, quantity: try Quantity(1),
                            unitPrice: Money(minorUnits: 1990, currency: try Currency("EUR"))
                        )
                    ],
                    effectiveDate: Date()
                )
                let order = try await provider.createOrder(draft)
                _ = try await provider.updateOrderStatus(id: order.id, to: .approved)
                for _ in 0..<100 where received.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(50)) }
                let delivery = try #require(received.withLockedValue { $0.first })
                let timestamp = try #require(delivery.timestamp)
                let expected = SandboxSigning.hmacSHA256Hex(
                    secret: org.sandbox.sandboxCredentials.webhookSecret, message: Data("\(timestamp).".utf8) + delivery.body
                )
                #expect(delivery.signature == expected)
                let change = try SalesforceOrderChange(webhookBody: delivery.body)
                #expect(change.orderIDs == [order.id])
                #expect(change.status == .approved)
                #expect(change.changeType == "UPDATE")
                #expect(received.withLockedValue { $0.count } == 1, "creating the draft sent an event too")
            }
        }
    }
}
