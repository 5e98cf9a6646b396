import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
@testable import Sandbox
import Testing

/// The Salesforce sandbox over raw HTTP (no adapter): the token endpoint, sessions, SOQL paging shapes and errors,
/// writes with their checks, and the signed order change event.
@Suite struct SalesforceSandboxTests {
    struct Reply {
        let status: Int
        let json: JSONValue
    }

    /// A client of one running sandbox.
    struct API {
        let sandbox: SalesforceSandbox
        let baseURL: String

        func send(_ method: HTTPMethod, _ path: String, token: String? = nil, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
            var request = HTTPClientRequest(url: baseURL + path)
            request.method = method
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let buffer = try await response.body.collect(upTo: 1 << 22)
            let json = buffer.readableBytes == 0 ? JSONValue.null : try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
            return Reply(status: Int(response.status.code), json: json)
        }

        func tokenReply(secret: String? = nil, clientID: String? = nil) async throws -> Reply {
            let id = clientID ?? sandbox.sandboxCredentials.clientID
            let secret = secret ?? sandbox.sandboxCredentials.clientSecret
            let form = "grant_type=client_credentials&client_id=\(id)&client_secret=\(secret)"
            return try await send(.POST, "/services/oauth2/token", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: form)
        }

        func token() async throws -> String { try #require(try await tokenReply().json["access_token"].string) }

        func query(_ soql: String, token: String, batchSize: Int? = nil) async throws -> Reply {
            let encoded = soql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let headers = batchSize.map { [("Sforce-Query-Options", "batchSize=\($0)")] } ?? []
            return try await send(.GET, "/services/data/v60.0/query?q=\(encoded)", token: token, headers: headers)
        }
    }

    func withSandbox(_ body: (API) async throws -> Void) async throws {
        let sandbox = try SalesforceSandbox()
        let server = try await SandboxServer.start(sandbox)
        do {
            try await body(API(sandbox: sandbox, baseURL: server.baseURL))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    // MARK: Token and sessions

    @Test func tokenEndpointChecksTheClientAndSignsTheToken() async throws {
        try await withSandbox { api in
            let badSecret = try await api.tokenReply(secret: "wrong")
            #expect(badSecret.status == 400)
            #expect(badSecret.json["error"] == "invalid_client")
            let badID = try await api.tokenReply(clientID: "nobody")
            #expect(badID.json["error"] == "invalid_client_id")
            let good = try await api.tokenReply()
            #expect(good.status == 200)
            #expect(good.json["token_type"] == "Bearer")
            #expect(good.json["instance_url"].string == api.baseURL)
            let id = try #require(good.json["id"].string)
            let issuedAt = try #require(good.json["issued_at"].string)
            let expected = SandboxSigning.hmacSHA256Base64(secret: api.sandbox.sandboxCredentials.clientSecret, message: Data((id + issuedAt).utf8))
            #expect(good.json["signature"].string == expected)
        }
    }

    @Test func dataCallsNeedALiveSession() async throws {
        try await withSandbox { api in
            let path = "/services/data/v60.0/sobjects/Account/\(SalesforceSandbox.aliceAccountID)"
            let anonymous = try await api.send(.GET, path)
            #expect(anonymous.status == 401)
            #expect(anonymous.json[0]?["errorCode"] == "INVALID_SESSION_ID")
            let token = try await api.token()
            let alice = try await api.send(.GET, path + "?fields=Id,Name,PersonEmail", token: token)
            #expect(alice.status == 200)
            #expect(alice.json["Name"] == "Alice Demo")
            #expect(alice.json["PersonEmail"] == .string(SalesforceSandbox.aliceEmail))
            #expect(alice.json["Phone"] == .null, "a field outside ?fields= was returned")
            api.sandbox.expireTokens()
            #expect(try await api.send(.GET, path, token: token).status == 401)
        }
    }

    // MARK: Queries

    @Test func casesPageInBatchesWithNextRecordsURL() async throws {
        try await withSandbox { api in
            let token = try await api.token()
            let soql = "SELECT Id, CaseNumber, CreatedBy.Name FROM Case WHERE AccountId = '\(SalesforceSandbox.aliceAccountID)' ORDER BY CreatedDate DESC"
            var reply = try await api.query(soql, token: token, batchSize: 10)
            let total = api.sandbox.caseCount(accountID: SalesforceSandbox.aliceAccountID)
            #expect(total >= 25)
            #expect(reply.json["totalSize"] == .int(Int64(total)))
            var ids: [String] = []
            var batches = 0
            while true {
                batches += 1
                let records = try #require(reply.json["records"].array)
                #expect(records.count <= 10)
                #expect(records.allSatisfy { $0["attributes"]["type"] == "Case" && $0["CreatedBy"]["Name"] == "Atrium Integration" })
                ids += records.compactMap { $0["Id"].string }
                guard reply.json["done"] == false, let next = reply.json["nextRecordsUrl"].string else { break }
                #expect(next.hasPrefix("/services/data/v60.0/query/01g"))
                reply = try await api.send(.GET, next, token: token)
                #expect(reply.json["totalSize"] == .int(Int64(total)))
            }
            #expect(reply.json["nextRecordsUrl"] == .null)
            #expect(batches == (total + 9) / 10)
            #expect(ids.count == total && Set(ids).count == total)
        }
    }

    @Test func childSubqueriesAreNestedResultsOrNull() async throws {
        try await withSandbox { api in
            let token = try await api.token()
            let soql = "SELECT Id, ProductCode, (SELECT Id, UnitPrice, CurrencyIsoCode FROM PricebookEntries WHERE IsActive = true) "
                + "FROM Product2 WHERE ProductCode IN ('SIM-5GB', 'SIM-1GB-LEGACY') ORDER BY ProductCode"
            let records = try #require(try await api.query(soql, token: token).json["records"].array)
            #expect(records.map { $0["ProductCode"] } == ["SIM-1GB-LEGACY", "SIM-5GB"])
            #expect(records[0]["PricebookEntries"] == .null)
            #expect(records[1]["PricebookEntries"]["totalSize"] == 2)
            #expect(records[1]["PricebookEntries"]["records"][0]?["UnitPrice"] == .double(9.9))
        }
    }

    @Test(arguments: [
        ("SELECT Id FROM Nothing", "INVALID_TYPE"),
        ("SELECT Id, Nope__c FROM Case", "INVALID_FIELD"),
        ("SELECT Id FROM Case WHERE Subject = 'open", "MALFORMED_QUERY"),
        ("SELECT FROM Case", "MALFORMED_QUERY"),
        ("SELECT Id FROM Case WHERE Subject = 'x' OR Id = 'y'", "MALFORMED_QUERY"),
    ])
    func badQueriesAnswerSalesforceErrors(_ soql: String, _ code: String) async throws {
        try await withSandbox { api in
            let reply = try await api.query(soql, token: try await api.token())
            #expect(reply.status == 400)
            #expect(reply.json[0]?["errorCode"] == .string(code))
        }
    }

    @Test func escapedQuotesStayInsideTheLiteral() throws {
        let query = try SalesforceSOQLQuery.parse(#"SELECT Id FROM Account WHERE PersonEmail = 'o\'brien\\x@demo.test' LIMIT 2"#)
        #expect(query.conditions == [.init(path: ["PersonEmail"], op: .equal, values: [.string(#"o'brien\x@demo.test"#)])])
        #expect(query.limit == 2)
        let orders = try SalesforceSOQLQuery.parse("SELECT Id FROM Order ORDER BY CreatedDate DESC NULLS FIRST")
        #expect(orders.object == "Order")
        #expect(orders.ordering == [.init(path: ["CreatedDate"], descending: true, nullsLast: false)])
        #expect(throws: SalesforceSOQLError.self) { try SalesforceSOQLQuery.parse("SELECT Id FROM Account WHERE Name = 'a' OR '1'='1'") }
    }

    // MARK: Writes

    @Test func upsertCreatesThenUpdatesByExternalID() async throws {
        try await withSandbox { api in
            let token = try await api.token()
            let path = "/services/data/v60.0/sobjects/Order/Atrium_Order_Id__c/ord-42"
            let body = #"{"AccountId":"\#(SalesforceSandbox.bobAccountID)","EffectiveDate":"2026-01-02","Status":"Draft","Pricebook2Id":"\#(SalesforceSandbox.standardPricebookID)"}"#
            let created = try await api.send(.PATCH, path, token: token, headers: [("Content-Type", "application/json")], body: body)
            #expect(created.status == 201)
            #expect(created.json["created"] == true)
            let again = try await api.send(.PATCH, path, token: token, headers: [("Content-Type", "application/json")], body: body)
            #expect(again.status == 200)
            #expect(again.json["created"] == false)
            #expect(again.json["id"] == created.json["id"])
            let activate = try await api.send(
                .PATCH, "/services/data/v60.0/sobjects/Order/\(created.json["id"].string ?? "")", token: token, body: #"{"Status":"Activated"}"#
            )
            #expect(activate.status == 400, "an order without products was activated")
            #expect(activate.json[0]?["errorCode"] == "FIELD_INTEGRITY_EXCEPTION")
        }
    }

    @Test(arguments: [
        (#"{"Subject":"x","Nope__c":1}"#, "INVALID_FIELD"),
        (#"{"Subject":"x","CaseNumber":"1"}"#, "INVALID_FIELD_FOR_INSERT_UPDATE"),
        (#"{"Subject":"x","Priority":"Whenever"}"#, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
        (#"{"Subject":"x","AccountId":"001DM0000099999AAA"}"#, "INVALID_CROSS_REFERENCE_KEY"),
        (#"{"Subject":"x","AccountId":"not an id"}"#, "MALFORMED_ID"),
    ])
    func invalidCreatesAreRefused(_ body: String, _ code: String) async throws {
        try await withSandbox { api in
            let reply = try await api.send(.POST, "/services/data/v60.0/sobjects/Case", token: try await api.token(), body: body)
            #expect(reply.status == 400)
            #expect(reply.json[0]?["errorCode"] == .string(code))
        }
    }

    // MARK: Webhooks

    @Test func statusChangesSendSignedChangeEvents() async throws {
        let received = NIOLockedValueBox<[(signature: String?, timestamp: String?, body: Data)]>([])
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let signature = request.headers.first { $0.name.canonicalName == "x-salesforce-signature" }?.value
            let timestamp = request.headers.first { $0.name.canonicalName == "x-salesforce-timestamp" }?.value
            received.withLockedValue { $0.append((signature, timestamp, Data(buffer: buffer))) }
            return .noContent
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }
        )
        try await receiver.test(.live) { _ in
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await withSandbox { api in
                api.sandbox.control.webhookURL = "http://127.0.0.1:\(port)/hook"
                let token = try await api.token()
                let soql = "SELECT Id FROM Order WHERE AccountId = '\(SalesforceSandbox.aliceAccountID)' AND Status = 'Approved'"
                let orderID = try #require(try await api.query(soql, token: token).json["records"][0]?["Id"].string)
                #expect(api.sandbox.setOrderStatus(id: orderID, to: "Activated"))
                #expect(!api.sandbox.setOrderStatus(id: orderID, to: "Teleported"))
                for _ in 0..<100 where received.withLockedValue({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(50)) }
                let delivery = try #require(received.withLockedValue { $0.first })
                let timestamp = try #require(delivery.timestamp)
                let secret = api.sandbox.sandboxCredentials.webhookSecret
                #expect(delivery.signature == SandboxSigning.hmacSHA256Hex(secret: secret, message: Data("\(timestamp).".utf8) + delivery.body))
                #expect(delivery.signature != SandboxSigning.hmacSHA256Hex(secret: "other", message: Data("\(timestamp).".utf8) + delivery.body))
                let event = try JSONDecoder().decode(JSONValue.self, from: delivery.body)
                #expect(event["channel"] == "/data/OrderChangeEvent")
                #expect(event["data"]["payload"]["ChangeEventHeader"]["recordIds"] == [.string(orderID)])
                #expect(event["data"]["payload"]["Status"] == "Activated")
                #expect(event["data"]["event"]["replayId"] == 1)
                for _ in 0..<100 where api.sandbox.control.deliveries.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                #expect(api.sandbox.control.deliveries.map(\.status) == [204])
            }
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array.
    fileprivate subscript(_ index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
