import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `Idempotency-Key`: replay, 422 on a different request, 409 while in flight, no storing of failures, per-user
/// scope, 24 h retention and the auth-route exclusion, through a small router with the memory store.
@Suite("Idempotency-Key middleware")
struct IdempotencyMiddlewareTests {
    /// Test routes and what they observed.
    final class Fixture: Sendable {
        let time = EdgeTestClock()
        let store = MemoryIdempotencyStore()
        let orders = EdgeTestCounter()
        let failures = EdgeTestCounter()
        let logins = EdgeTestCounter()
        let entered: AsyncStream<Void>
        let enteredSignal: AsyncStream<Void>.Continuation
        let release: AsyncStream<Void>
        let releaseSignal: AsyncStream<Void>.Continuation

        init() {
            (entered, enteredSignal) = AsyncStream<Void>.makeStream()
            (release, releaseSignal) = AsyncStream<Void>.makeStream()
        }

        var router: Router<AppRequestContext> {
            EdgeTestRouter.make(idempotency: IdempotencyMiddleware(store: store, clock: time.clock)) { router in
                router.post("api/v1/orders") { request, context in
                    let number = self.orders.next()
                    var request = request
                    let body = String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
                    let json = #"{"order":\#(number),"echo":\#(body.isEmpty ? "null" : body)}"#
                    return Response(
                        status: .created,
                        headers: [.contentType: "application/json", .location: "/api/v1/orders/\(number)", .setCookie: "session=secret"],
                        body: .init(byteBuffer: ByteBuffer(string: json))
                    )
                }
                router.post("api/v1/unavailable") { _, _ in
                    Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "attempt \(self.failures.next())")))
                }
                router.post("api/v1/throws") { _, _ -> String in
                    self.failures.next()
                    throw Problem(.badRequest, status: .badRequest, detail: "refused")
                }
                router.post("api/v1/slow") { _, _ -> String in
                    self.enteredSignal.yield()
                    for await _ in self.release { break }
                    return #"{"slow":"done"}"#
                }
                router.post("api/v1/auth/login") { _, _ in #"{"access_token":"token-\#(self.logins.next())"}"# }
            }
        }
    }

    static let alice = UUID()
    static let bob = UUID()

    static func headers(key: String?, user: UUID? = alice) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[EdgeHeaders.idempotencyKey] = key }
        if let user { headers[EdgeTestIdentityMiddleware.user] = user.uuidString }
        return headers
    }

    static let order = ByteBuffer(string: #"{"sku":"SIM-10GB"}"#)

    @Test func sameKeyAndBodyReplaysTheStoredResponse() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: "k-1"), body: Self.order)
            #expect(first.status == .created)
            #expect(String(buffer: first.body) == #"{"order":1,"echo":{"sku":"SIM-10GB"}}"#, "the handler got the buffered body")
            #expect(first.headers[EdgeHeaders.idempotencyReplayed] == nil)
            let second = try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: "k-1"), body: Self.order)
            #expect(second.status == first.status)
            #expect(second.body == first.body)
            #expect(second.headers[EdgeHeaders.idempotencyReplayed] == "true")
            #expect(second.headers[.location] == "/api/v1/orders/1" && second.headers[.contentType] == "application/json")
            #expect(second.headers[.setCookie] == nil, "cookies are never stored")
            #expect(second.headers[EdgeHeaders.xFrameOptions] == "DENY", "the edge still decorates a replay")
            // Without a key, every request runs.
            let unkeyed = try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: nil), body: Self.order)
            #expect(String(buffer: unkeyed.body).hasPrefix(#"{"order":2"#))
        }
        #expect(fixture.orders.value == 2)
    }

    @Test func sameKeyWithADifferentRequestIs422() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            _ = try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: "k-2"), body: Self.order)
            let otherBody = ByteBuffer(string: #"{"sku":"SIM-20GB"}"#)
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: "k-2"), body: otherBody) { response in
                #expect(response.status == .unprocessableContent)
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:idempotency-key-mismatch")
            }
            try await client.execute(uri: "/api/v1/orders?express=1", method: .post, headers: Self.headers(key: "k-2"), body: Self.order) {
                response in
                #expect(response.status == .unprocessableContent, "the query is part of the request")
            }
        }
        #expect(fixture.orders.value == 1)
    }

    @Test func sameKeyWhileTheFirstRunsIs409() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            let headers = Self.headers(key: "k-3")
            async let first = client.execute(uri: "/api/v1/slow", method: .post, headers: headers, body: Self.order)
            var entered = fixture.entered.makeAsyncIterator()
            _ = await entered.next()
            try await client.execute(uri: "/api/v1/slow", method: .post, headers: headers, body: Self.order) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[.retryAfter] == "1")
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:idempotency-key-in-use")
            }
            fixture.releaseSignal.yield()
            let finished = try await first
            #expect(finished.status == .ok)
            try await client.execute(uri: "/api/v1/slow", method: .post, headers: headers, body: Self.order) { response in
                #expect(response.status == .ok && response.headers[EdgeHeaders.idempotencyReplayed] == "true")
                #expect(String(buffer: response.body) == #"{"slow":"done"}"#)
            }
        }
    }

    @Test func serverErrorsAndThrownErrorsAreNotStored() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            for attempt in 1...2 {
                try await client.execute(uri: "/api/v1/unavailable", method: .post, headers: Self.headers(key: "k-4"), body: Self.order) {
                    response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(String(buffer: response.body) == "attempt \(attempt)", "a 5xx was replayed")
                }
            }
            for _ in 1...2 {
                try await client.execute(uri: "/api/v1/throws", method: .post, headers: Self.headers(key: "k-5"), body: Self.order) {
                    response in
                    #expect(response.status == .badRequest)
                    #expect(response.headers[EdgeHeaders.idempotencyReplayed] == nil)
                }
            }
        }
        #expect(fixture.failures.value == 4)
    }

    @Test func keysAreScopedPerUser() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            let alice = try await client.execute(
                uri: "/api/v1/orders",
                method: .post,
                headers: Self.headers(key: "shared", user: Self.alice),
                body: Self.order
            )
            let bob = try await client.execute(
                uri: "/api/v1/orders",
                method: .post,
                headers: Self.headers(key: "shared", user: Self.bob),
                body: Self.order
            )
            #expect(String(buffer: alice.body).hasPrefix(#"{"order":1"#) && String(buffer: bob.body).hasPrefix(#"{"order":2"#))
            #expect(bob.headers[EdgeHeaders.idempotencyReplayed] == nil, "bob got alice's answer")
            let bobAgain = try await client.execute(
                uri: "/api/v1/orders",
                method: .post,
                headers: Self.headers(key: "shared", user: Self.bob),
                body: Self.order
            )
            #expect(bobAgain.body == bob.body && bobAgain.headers[EdgeHeaders.idempotencyReplayed] == "true")
        }
        #expect(fixture.orders.value == 2)
    }

    @Test func keysAreForgottenAfter24Hours() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            _ = try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: "k-6"), body: Self.order)
            fixture.time.advance(by: 86_399)
            let withinADay = try await client.execute(
                uri: "/api/v1/orders",
                method: .post,
                headers: Self.headers(key: "k-6"),
                body: Self.order
            )
            #expect(withinADay.headers[EdgeHeaders.idempotencyReplayed] == "true")
            fixture.time.advance(by: 2)
            let nextDay = try await client.execute(
                uri: "/api/v1/orders",
                method: .post,
                headers: Self.headers(key: "k-6"),
                body: Self.order
            )
            #expect(nextDay.headers[EdgeHeaders.idempotencyReplayed] == nil)
            #expect(String(buffer: nextDay.body).hasPrefix(#"{"order":2"#))
        }
        #expect(fixture.orders.value == 2)
    }

    @Test(arguments: ["", String(repeating: "k", count: 256), "kľúč", "tab\there"])
    func malformedKeysAre400(_ key: String) async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            try await client.execute(uri: "/api/v1/orders", method: .post, headers: Self.headers(key: key), body: Self.order) { response in
                #expect(response.status == .badRequest)
                #expect(EdgeProblem.type(of: response.body) == "urn:atrium:problem:invalid-idempotency-key")
            }
        }
        #expect(fixture.orders.value == 0)
    }

    @Test func authRoutesAndAnonymousRequestsAreNotStored() async throws {
        let fixture = Fixture()
        try await EdgeTestRouter.application(fixture.router).test(.router) { client in
            for expected in 1...2 {
                try await client.execute(
                    uri: "/api/v1/auth/login",
                    method: .post,
                    headers: Self.headers(key: "login-1", user: nil),
                    body: Self.order
                ) { response in
                    #expect(String(buffer: response.body) == "{\"access_token\":\"token-\(expected)\"}", "a token response was replayed")
                    #expect(response.headers[EdgeHeaders.idempotencyReplayed] == nil)
                }
            }
            for _ in 1...2 {
                _ = try await client.execute(
                    uri: "/api/v1/orders",
                    method: .post,
                    headers: Self.headers(key: "anon-1", user: nil),
                    body: Self.order
                )
            }
            // Only mutating methods take part: a GET with a key is untouched (here: no such route).
            try await client.execute(uri: "/api/v1/orders", method: .get, headers: Self.headers(key: "")) { response in
                #expect(response.status != .badRequest)
            }
        }
        #expect(fixture.logins.value == 2 && fixture.orders.value == 2)
    }
}
