@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Real answers of every order operation checked against the contract (status documented, body matches the
/// schema of that status and media type, headers declared), on the full production router.
@Suite("OpenAPI contract: order routes")
struct OrderRoutesContractTests {
    @Test func everyOrderOperationMatchesTheContract() async throws {
        try await OrderHarness.run { harness in
            let router = buildRouter(services: harness.services, health: HealthController(checks: []))
            let contract = ContractChecker()
            try await Application(router: router).test(.router) { client in
                let token = try await harness.token(harness.alice)
                try await OrderContractFlow.run(client, services: harness.services, contract: contract, token: token)
            }
            let checked = Set(contract.checked.map { "\($0.method) \($0.path)" })
            let documented = Set(OpenAPIDocument.orderOperations.map { "\($0.method) \($0.path)" })
            #expect(checked == documented, "order operations without a checked answer: \(documented.subtracting(checked).sorted())")
        }
    }
}

/// The order part of a contract flow, reusable by the whole-API flow (`ContractResponseTests.runDemoFlow`): `token`
/// is a customer linked to alice's sandbox data; a staff token is minted from the services' signing secret.
enum OrderContractFlow {
    static func run(_ client: some TestClientProtocol, services: AppServices, contract: ContractChecker, token: String) async throws {
        let key: HTTPFields = [EdgeHeaders.idempotencyKey: UUID().uuidString]
        let json = #"{"items": [{"sku": "SIM-5GB", "quantity": 1}, {"sku": "ROUTER-AX3000", "quantity": 1}]}"#
        let placed = try await contract.check(client, .post, "/api/v1/orders", token: token, json: json, headers: key, expect: .created)
        try await contract.check(client, .post, "/api/v1/orders", token: token, json: json, headers: key, expect: .created)
        try await contract.check(client, .post, "/api/v1/orders", token: token, json: #"{"items": [{"sku": "SIM-5GB", "quantity": 1}]}"#, headers: key, expect: .unprocessableContent)
        try await contract.check(client, .post, "/api/v1/orders", token: token, json: #"{"items": [{"sku": "SIM-5GB", "quantity": 0}]}"#, expect: .badRequest)
        try await contract.check(client, .post, "/api/v1/orders", token: token, json: #"{"items": [{"sku": "NO-SUCH-SKU", "quantity": 1}]}"#, expect: .unprocessableContent)
        let id = try #require(placed["id"]?.stringValue)

        try await contract.check(client, .get, "/api/v1/orders", token: token)
        try await contract.check(client, .get, "/api/v1/orders?limit=1", template: "/api/v1/orders", token: token)
        try await contract.check(client, .get, "/api/v1/orders?cursor=nope", template: "/api/v1/orders", token: token, expect: .badRequest)
        try await contract.check(client, .get, "/api/v1/orders/\(id)", template: "/api/v1/orders/{id}", token: token)
        try await contract.check(client, .get, "/api/v1/orders/\(UUID().uuidString)", template: "/api/v1/orders/{id}", token: token, expect: .notFound)

        let tokens = TokenService(secret: services.jwtSecret, clock: services.clock)
        let orderID = try #require(UUID(uuidString: id))
        let tenant = try #require(try await services.store.orders.order(id: orderID)?.tenant)
        func staff(_ roles: Set<Role>) async throws -> String {
            try await tokens.issue(for: AuthenticatedUser(userID: UUID(), tenant: tenant, kind: .staff, roles: roles, family: nil)).token
        }
        let approve = "/api/v1/admin/orders/{id}/approve"
        let admin = try await staff([.admin])
        try await contract.check(client, .post, "/api/v1/admin/orders/\(id)/approve", template: approve, token: try await staff([.finance]), expect: .forbidden)
        try await contract.check(client, .post, "/api/v1/admin/orders/\(id)/approve", template: approve, token: admin, expect: .accepted)
        try await contract.check(client, .post, "/api/v1/admin/orders/\(id)/approve", template: approve, token: admin, expect: .ok)
        try await contract.check(client, .post, "/api/v1/admin/orders/\(UUID().uuidString)/approve", template: approve, token: admin, expect: .notFound)
        try await contract.check(client, .post, "/api/v1/admin/orders/\(id)/approve", template: approve, token: token, expect: .forbidden)

        // A second order, cancelled: approving it is 409; its event stream is finite, so a router test can read it.
        let second = try await contract.check(client, .post, "/api/v1/orders", token: token, json: #"{"items": [{"sku": "TV-BASIC", "quantity": 1}]}"#, expect: .created)
        let secondID = try #require(second["id"]?.stringValue.flatMap(UUID.init(uuidString:)))
        try await services.ledger.transition(orderID: secondID, to: .cancelled, step: "contract", reason: "cancelled for the contract check")
        let path = "/api/v1/orders/\(secondID.uuidString.lowercased())"
        try await contract.check(client, .post, "/api/v1/admin/orders/\(secondID.uuidString)/approve", template: approve, token: admin, expect: .conflict)
        let events = "/api/v1/orders/{id}/events"
        try await contract.check(client, .get, path + "/events", template: events, token: token)
        try await contract.check(client, .get, path + "/events", template: events, token: token, headers: [OrderController.lastEventIDHeader: "3"], expect: .noContent)
        try await contract.check(client, .get, path + "/events?last_event_id=x", template: events, token: token, expect: .badRequest)
        try await contract.check(client, .get, "/api/v1/orders/\(UUID().uuidString)/events", template: events, token: token, expect: .notFound)
    }
}
