@testable import BFF
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Queue
import Testing

/// `POST /admin/orders/{id}/approve`: the role matrix, the one fulfillment job, states that refuse, tenants.
@Suite("Order routes: staff approval")
struct OrderRoutesAdminTests {
    static func approvePath(_ order: Order) -> String { "/api/v1/admin/orders/\(order.id.uuidString.lowercased())/approve" }

    @Test func onlyAdminOpsAndSalesMayApprove() async throws {
        try await OrderHarness.with { harness, client in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let path = Self.approvePath(order)
            // Refused first, so the order is still pending when each refusal happens.
            for role in [Role.finance, .security, .product] {
                let response = try await client.send(.post, path, token: try await harness.staffToken([role]))
                #expect(response.status == .forbidden, "\(role)")
                #expect(try response.decode(PortalProblemBody.self).type == "urn:atrium:problem:forbidden")
            }
            #expect(try await client.send(.post, path, token: try await harness.token(harness.alice)).status == .forbidden, "a customer token")
            #expect(try await client.send(.post, path, token: nil).status == .unauthorized)
            #expect(try await client.send(.post, path, token: "not-a-token").status == .unauthorized)
            #expect(try await harness.services.store.orders.order(id: order.id)?.status == .pendingApproval)
            #expect(try await harness.fulfillmentJobs(order.id).isEmpty)

            var statuses: [HTTPResponse.Status] = []
            for role in [Role.sales, .ops, .admin] {
                let response = try await client.send(.post, path, token: try await harness.staffToken([role]))
                statuses.append(response.status)
                #expect(try response.decode(OrderWire.self).status == "approved", "\(role)")
            }
            #expect(statuses == [.accepted, .ok, .ok])
            // A staff member with several roles needs only one allowed one.
            #expect(try await client.send(.post, path, token: try await harness.staffToken([.finance, .ops])).status == .ok)

            let denials = try await harness.services.store.audit.entries(matching: AuditFilter(action: "admin.denied"), before: nil, limit: 10)
            #expect(denials.count == 3)
            #expect(denials.allSatisfy { $0.outcome == "denied" && $0.actorKind == "staff" && $0.subject == path })
        }
    }

    @Test func approvalEnqueuesExactlyOneFulfillmentJob() async throws {
        try await OrderHarness.with { harness, client in
            let order = try await harness.seedOrder(for: harness.alice, moveTo: [.pendingApproval])
            let staff = UUID()
            let token = try await harness.staffToken([.ops], user: staff)
            let first = try await client.send(.post, Self.approvePath(order), token: token)
            #expect(first.status == .accepted, "\(first.text)")
            let approved = try first.decode(OrderWire.self)
            #expect(approved.status == "approved")
            let entry = try #require(approved.timeline.last)
            #expect(entry.step == "approval.staff" && entry.status == "approved")
            #expect(entry.reason == "approved by \(staff.uuidString.lowercased())")

            let jobs = try await harness.fulfillmentJobs(order.id)
            #expect(jobs.count == 1)
            let payload = try #require(jobs.first).decode(FulfillmentJob.Payload.self)
            #expect(payload.orderID == order.id)

            let second = try await client.send(.post, Self.approvePath(order), token: token)
            #expect(second.status == .ok)
            #expect(try await harness.fulfillmentJobs(order.id).count == 1, "a second approval adds no job")
            #expect(try await harness.services.store.orders.timeline(orderID: order.id, afterSeq: 0).filter { $0.step == "approval.staff" }.count == 1)

            let audit = try await harness.services.store.audit.entries(matching: AuditFilter(action: "order.approve"), before: nil, limit: 10)
            #expect(audit.count == 2)
            #expect(audit.allSatisfy { $0.actorID == staff && $0.subject == "order:\(order.id.uuidString.lowercased())" && $0.outcome == "success" })
            #expect(Set(audit.compactMap { $0.details["result"] }) == ["approved", "already_approved"])
        }
    }

    @Test func draftCancelledAndFailedOrdersCannotBeApproved() async throws {
        try await OrderHarness.with { harness, client in
            let token = try await harness.staffToken([.admin])
            for path in [[], [OrderStatus.cancelled], [.pendingApproval, .failed]] {
                let order = try await harness.seedOrder(for: harness.alice, moveTo: path)
                let response = try await client.send(.post, Self.approvePath(order), token: token)
                #expect(response.status == .conflict, "\(order.status)")
                #expect(try response.decode(PortalProblemBody.self).type == "urn:atrium:problem:conflict")
                #expect(try await harness.fulfillmentJobs(order.id).isEmpty)
            }
            let refusals = try await harness.services.store.audit.entries(matching: AuditFilter(action: "order.approve"), before: nil, limit: 10)
            #expect(refusals.count == 3 && refusals.allSatisfy { $0.outcome == "failure" })
        }
    }

    @Test func staffOnlyActOnTheirOwnTenantsOrders() async throws {
        try await OrderHarness.with { harness, client in
            let foreign = try await harness.seedOrder(for: harness.alice, tenant: "other-tenant", moveTo: [.pendingApproval])
            let token = try await harness.staffToken([.admin])
            for path in [Self.approvePath(foreign), "/api/v1/admin/orders/\(UUID().uuidString)/approve", "/api/v1/admin/orders/nope/approve"] {
                let response = try await client.send(.post, path, token: token)
                #expect(response.status == .notFound, "\(path)")
            }
            #expect(try await harness.services.store.orders.order(id: foreign.id)?.status == .pendingApproval)
            #expect(try await harness.fulfillmentJobs(foreign.id).isEmpty)
            // Staff of that tenant may.
            let theirs = try await harness.staffToken([.sales], tenant: "other-tenant")
            #expect(try await client.send(.post, Self.approvePath(foreign), token: theirs).status == .accepted)
        }
    }
}
