import BFF
import Foundation
import HTTPTypes
import NIOCore
import HummingbirdTesting
import Logging
import Testing

/// The auth flow through the whole application (`buildApplication`, memory backends, every middleware),
/// with production bcrypt cost 12.
@Suite("Auth: scenarios on the full application")
struct AuthScenarioTests {
    static let config = AtriumConfig(upstreams: .live([:]), jwtSecret: AuthHarness.jwtSecret, passwordPepper: AuthHarness.pepper)

    @Test func registerLoginRefreshLogout() async throws {
        let clock = AuthTestClock()
        let app = try await buildApplication(config: Self.config, logger: Logger(label: "auth-scenario"), clock: clock.appClock)
        try await app.test(.router) { client in
            let register = try await client.authPost(
                "/api/v1/auth/register",
                json: ["email": "Carol@Example.test", "password": "a long and unusual passphrase", "name": "Carol"]
            )
            #expect(register.status == .created)
            let profile = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: register.body).utf8)) as? [String: Any])
            #expect(profile["email"] as? String == "carol@example.test")
            #expect(profile["kind"] as? String == "customer")
            #expect(profile["tenant"] as? String == "default")
            #expect(profile["roles"] as? [String] == ["customer"])
            #expect(profile["password_hash"] == nil && !String(buffer: register.body).contains("$2"))

            let taken = try await client.authPost("/api/v1/auth/register", json: ["email": "carol@example.test", "password": "another long passphrase"])
            #expect(taken.status == .conflict)
            #expect(taken.authProblemType == "urn:atrium:problem:conflict")

            let login = try await client.authLogin("carol@example.test", "a long and unusual passphrase")
            #expect(login.status == .ok)
            let tokens = try login.authDecode(AuthTokenBody.self)
            #expect(tokens.token_type == "Bearer" && tokens.expires_in == 900)

            clock.advance(14 * 60)
            let refreshed = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": tokens.refresh_token])
            #expect(refreshed.status == .ok)
            let next = try refreshed.authDecode(AuthTokenBody.self)
            #expect(next.access_token != tokens.access_token)

            let logout = try await client.authPost("/api/v1/auth/logout", json: ["refresh_token": next.refresh_token], headers: authBearer(next.access_token))
            #expect(logout.status == .noContent)
            let after = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": next.refresh_token])
            #expect(after.status == .unauthorized)
            #expect(after.authProblemType == "urn:atrium:problem:unauthorized")
        }
    }

    /// Unknown email, wrong password and locked account answer the same, at cost 12 (the unknown email is
    /// checked against a dummy hash of the same cost).
    /// Logs in as a well-behaved client would: after a 429 it waits `Retry-After` (on the app clock, which the
    /// rate limiter reads) and tries again, so the login rate limit (5/s, burst 3) shapes the pace but never the
    /// answer under test. The few seconds this moves the clock are nothing against a 30-minute lock.
    static func login(_ client: some TestClientProtocol, clock: AuthTestClock, _ email: String, _ password: String) async throws -> TestResponse {
        var response = try await client.authLogin(email, password)
        for _ in 0..<10 where response.status == .tooManyRequests {
            clock.advance(TimeInterval(max(1, response.headers[.retryAfter].flatMap(Int.init) ?? 1)))
            response = try await client.authLogin(email, password)
        }
        return response
    }

    @Test func lockoutAnswersAreIdenticalOnTheFullApplication() async throws {
        let clock = AuthTestClock()
        let app = try await buildApplication(config: Self.config, logger: Logger(label: "auth-scenario"), clock: clock.appClock)
        try await app.test(.router) { client in
            let register = try await client.authPost("/api/v1/auth/register", json: ["email": "dave@example.test", "password": "dave's own passphrase"])
            #expect(register.status == .created)
            var answers: [String] = []
            for attempt in 1...5 {
                let response = try await Self.login(client, clock: clock, "dave@example.test", "guess number \(attempt)")
                #expect(response.status == .unauthorized)
                answers.append(try AuthRoutesTests.bodyWithoutRequestID(response))
            }
            let locked = try await Self.login(client, clock: clock, "dave@example.test", "dave's own passphrase")
            let unknown = try await Self.login(client, clock: clock, "nobody@example.test", "dave's own passphrase")
            for response in [locked, unknown] {
                #expect(response.status == .unauthorized)
                answers.append(try AuthRoutesTests.bodyWithoutRequestID(response))
            }
            #expect(Set(answers).count == 1, "\(Set(answers))")
        }
    }
}
