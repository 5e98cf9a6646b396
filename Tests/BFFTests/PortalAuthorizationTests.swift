@testable import BFF
import Domain
import Foundation
import Hummingbird
import Providers
import Queue
import HummingbirdTesting
import Sandbox
import Testing

/// Another customer's object answers exactly like a missing one: 404 `not-found` with the same body.
@Suite("Portal authorization")
struct PortalAuthorizationTests {
    /// The problem fields that must not differ (`instance` is the path and `request_id` is per request).
    func problem(_ response: TestResponse) throws -> PortalProblemBody {
        #expect(response.status == .notFound)
        #expect(response.headers[.contentType] == "application/problem+json")
        return try response.decode(PortalProblemBody.self)
    }

    @Test func bobCannotReadAlicesInvoiceSIMOrCase() async throws {
        try await PortalHarness.with { harness, client in
            let invoice = try #require(
                try await client.call(.get, "/api/v1/invoices?limit=1", as: harness.alice).decode(ListDTO<InvoiceDTO>.self).data.first?.id
            )
            let caseID = try #require(
                try await client.call(.get, "/api/v1/cases?limit=1", as: harness.alice).decode(ListDTO<SupportCaseDTO>.self).data.first?.id
            )
            let line = SIMSandbox.aliceLineIDs[0]
            // Alice can read all three.
            for path in ["/api/v1/invoices/\(invoice)", "/api/v1/sims/\(line)", "/api/v1/sims/\(line)/usage", "/api/v1/cases/\(caseID)"] {
                #expect(try await client.call(.get, path, as: harness.alice).status == .ok, "\(path)")
            }
            let missing = try problem(try await client.call(.get, "/api/v1/invoices/in_DoesNotExist000000001", as: harness.bob))
            #expect(missing.type == "urn:atrium:problem:not-found")
            let pairs = [
                ("/api/v1/invoices/\(invoice)", "/api/v1/invoices/in_DoesNotExist000000001"),
                ("/api/v1/sims/\(line)", "/api/v1/sims/\(SIMSandbox.unknownLineID)"),
                ("/api/v1/sims/\(line)/usage", "/api/v1/sims/\(SIMSandbox.unknownLineID)/usage"),
                ("/api/v1/cases/\(caseID)", "/api/v1/cases/500DM0000099999AAA"),
            ]
            for (foreign, absent) in pairs {
                let foreignBody = try problem(try await client.call(.get, foreign, as: harness.bob))
                let absentBody = try problem(try await client.call(.get, absent, as: harness.bob))
                #expect(foreignBody == absentBody, "\(foreign)")
                #expect(foreignBody == missing, "\(foreign)")
            }
            // Bob asking twice is still 404: nothing of alice's was cached under bob's key.
            #expect(try await client.call(.get, "/api/v1/invoices/\(invoice)", as: harness.bob).status == .notFound)
        }
    }

    @Test func bobCannotWriteToAlicesObjects() async throws {
        try await PortalHarness.with { harness, client in
            let caseID = try #require(
                try await client.call(.get, "/api/v1/cases?limit=1", as: harness.alice).decode(ListDTO<SupportCaseDTO>.self).data.first?.id
            )
            let salesforce = harness.sandboxes.salesforce.control
            salesforce.resetCalls()
            let comment = try await client.call(.post, "/api/v1/cases/\(caseID)/comments", as: harness.bob, json: #"{"body":"hello"}"#)
            let missing = try await client.call(.post, "/api/v1/cases/500DM0000099999AAA/comments", as: harness.bob, json: #"{"body":"hello"}"#)
            #expect(try problem(comment) == problem(missing))
            #expect(salesforce.calls().filter { $0.method == "POST" && !$0.path.contains("oauth2") }.isEmpty)

            let line = SIMSandbox.aliceLineIDs[0]
            let change = try await client.call(.post, "/api/v1/sims/\(line)/plan-change", as: harness.bob, json: #"{"plan":"SIM-20GB"}"#)
            let absent = try await client.call(
                .post, "/api/v1/sims/\(SIMSandbox.unknownLineID)/plan-change", as: harness.bob, json: #"{"plan":"SIM-20GB"}"#
            )
            #expect(try problem(change) == problem(absent))
            let queue = try #require(harness.services.jobs["fulfillment"])
            #expect(try await queue.counts().waiting == 0)
        }
    }

    @Test func idsThatCannotExistAreNotFoundWithoutAnUpstreamCall() async throws {
        try await PortalHarness.with { harness, client in
            harness.sandboxes.stripe.control.resetCalls()
            for path in ["/api/v1/invoices/..", "/api/v1/invoices/a%2Fb", "/api/v1/invoices/\(String(repeating: "x", count: 200))", "/api/v1/invoices/in%20x"] {
                let response = try await client.call(.get, path, as: harness.alice)
                #expect(response.status == .notFound, "\(path)")
            }
            #expect(harness.sandboxes.stripe.control.callCount() == 0)
            // A well-formed id the CRM refuses as malformed is missing too, not a 400.
            let malformed = try await client.call(.get, "/api/v1/cases/not-a-salesforce-id", as: harness.alice)
            #expect(malformed.status == .notFound)
        }
    }
}
