@testable import BFF
import Domain
import Foundation
import Hummingbird
import Providers
import HummingbirdTesting
import Sandbox
import Testing

/// `POST /cases` and `POST /cases/{id}/comments`: validated, created in the CRM for the customer's account, and
/// the cached case lists invalidated.
@Suite("Portal cases")
struct PortalCasesTests {
    @Test func aCustomerOpensACaseAndComments() async throws {
        try await PortalHarness.with { harness, client in
            let before = try await client.call(.get, "/api/v1/cases?limit=3", as: harness.alice)
            #expect(before.xCache == "MISS")
            #expect(try await client.call(.get, "/api/v1/cases?limit=3", as: harness.alice).xCache == "HIT")

            let body = #"{"subject":"  Router keeps rebooting  ","description":"Since Monday.","priority":"high","customerId":"someone-else"}"#
            let created = try await client.call(.post, "/api/v1/cases", as: harness.alice, json: body)
            #expect(created.status == .created)
            let opened = try created.decode(SupportCaseDetailDTO.self)
            #expect(opened.summary.subject == "Router keeps rebooting")
            #expect(opened.summary.priority == "high" && opened.summary.status == "new")
            #expect(opened.description == "Since Monday." && opened.comments.isEmpty)
            let upstream = try await #require(harness.services.providers.crm).supportCase(id: opened.summary.id)
            #expect(upstream.accountID == SalesforceSandbox.aliceAccountID)

            // The list was invalidated: it is read again and now starts with the new case.
            let after = try await client.call(.get, "/api/v1/cases?limit=3", as: harness.alice)
            #expect(after.xCache == "MISS")
            #expect(try after.decode(ListDTO<SupportCaseDTO>.self).data.first?.id == opened.summary.id)

            let detailPath = "/api/v1/cases/\(opened.summary.id)"
            #expect(try await client.call(.get, detailPath, as: harness.alice).xCache == "MISS")
            let comment = try await client.call(.post, detailPath + "/comments", as: harness.alice, json: #"{"body":"It happened again."}"#)
            #expect(comment.status == .created)
            let added = try comment.decode(CaseCommentDTO.self)
            #expect(added.body == "It happened again.")
            let detail = try await client.call(.get, detailPath, as: harness.alice)
            #expect(detail.xCache == "MISS")
            #expect(try detail.decode(SupportCaseDetailDTO.self).comments.map(\.id) == [added.id])
            // Bob does not see alice's new case.
            let bobs = try await client.call(.get, "/api/v1/cases?limit=100", as: harness.bob).decode(ListDTO<SupportCaseDTO>.self)
            #expect(!bobs.data.contains { $0.id == opened.summary.id })
        }
    }

    @Test func invalidCasesAndCommentsAre400sAndCreateNothing() async throws {
        try await PortalHarness.with { harness, client in
            let caseID = try #require(
                try await client.call(.get, "/api/v1/cases?limit=1", as: harness.alice).decode(ListDTO<SupportCaseDTO>.self).data.first?.id
            )
            harness.sandboxes.salesforce.control.resetCalls()
            let longSubject = String(repeating: "s", count: 256)
            let requests: [(String, String, String)] = [
                ("/api/v1/cases", #"{"subject":"   "}"#, "subject"),
                ("/api/v1/cases", #"{"subject":"\#(longSubject)"}"#, "subject"),
                ("/api/v1/cases", #"{"subject":"Help","priority":"critical"}"#, "priority"),
                ("/api/v1/cases", #"{"description":"no subject"}"#, "subject"),
                ("/api/v1/cases", #"[1,2]"#, "body"),
                ("/api/v1/cases/\(caseID)/comments", #"{"body":" "}"#, "body"),
                ("/api/v1/cases/\(caseID)/comments", #"{"body":"\#(String(repeating: "c", count: 4001))"}"#, "body"),
            ]
            for (path, body, field) in requests {
                let response = try await client.call(.post, path, as: harness.alice, json: body)
                #expect(response.status == .badRequest, "\(body.prefix(40))")
                let problem = try response.decode(PortalProblemBody.self)
                #expect(problem.type == "urn:atrium:problem:validation")
                #expect(problem.detail?.hasPrefix(field + ":") == true, "\(problem.detail ?? "")")
            }
            #expect(harness.sandboxes.salesforce.control.calls().filter { $0.method == "POST" && !$0.path.contains("oauth2") }.isEmpty)
        }
    }

    @Test func aCustomerWithoutACRMLinkCannotOpenACase() async throws {
        try await PortalHarness.with { harness, client in
            let response = try await client.call(.post, "/api/v1/cases", as: harness.carol, json: #"{"subject":"Help"}"#)
            #expect(response.status == .conflict)
            #expect(try response.decode(PortalProblemBody.self).type == "urn:atrium:problem:conflict")
        }
    }
}
