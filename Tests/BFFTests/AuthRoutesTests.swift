@testable import BFF
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdOTP
import HummingbirdTesting
import Testing

/// The /api/v1/auth routes and the authentication middleware, on ``AuthHarness`` (memory store, moved clock).
@Suite("Auth: routes")
struct AuthRoutesTests {
    // MARK: - Lockout and identical failures

    @Test func lockoutAfterFiveFailuresAndIdenticalAnswers() async throws {
        let harness = AuthHarness()
        let user = try await harness.seed(email: "lock@example.test")
        try await harness.app.test(.router) { client in
            var bodies: [String] = []
            for attempt in 1...5 {
                let response = try await client.authLogin("lock@example.test", "wrong password \(attempt)")
                #expect(response.status == .unauthorized)
                bodies.append(try Self.bodyWithoutRequestID(response))
            }
            let locked = try await client.authLogin("lock@example.test", AuthHarness.password)
            let unknown = try await client.authLogin("nobody@example.test", AuthHarness.password)
            for response in [locked, unknown] {
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                bodies.append(try Self.bodyWithoutRequestID(response))
            }
            #expect(Set(bodies).count == 1, "\(Set(bodies))")
            #expect(try (await harness.services.store.users.user(id: user.id))?.lockedUntil == harness.clock.current + 30 * 60)

            // 30 minutes later the right password works again.
            harness.clock.advance(30 * 60 + 1)
            #expect(try await client.authLogin("LOCK@example.test ", AuthHarness.password).status == .ok)
        }
        let actions = try await harness.auditActions()
        #expect(actions.filter { $0 == "auth.login_failed" }.count == 7)
        #expect(actions.filter { $0 == "auth.lockout" }.count == 1)
        #expect(actions.last == "auth.login")
        let rows = try await harness.services.store.audit.entries(matching: AuditFilter(), before: nil, limit: 100)
        #expect(rows.allSatisfy { $0.requestID?.isEmpty == false })
        #expect(rows.allSatisfy { row in !row.details.values.contains { $0.contains(AuthHarness.password) || $0.contains("wrong password") } })
    }

    static func bodyWithoutRequestID(_ response: TestResponse) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
        #expect(object.removeValue(forKey: "request_id") != nil)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
    }

    @Test func overLongPasswordIsRefusedBeforeAnyHashing() async throws {
        let harness = AuthHarness()
        let user = try await harness.seed(email: "long@example.test")
        try await harness.app.test(.router) { client in
            let login = try await client.authLogin("long@example.test", String(repeating: "p", count: 257))
            #expect(login.status == .badRequest)
            #expect(login.authProblemType == "urn:atrium:problem:validation")
            let register = try await client.authPost("/api/v1/auth/register", json: ["email": "new@example.test", "password": String(repeating: "p", count: 300)])
            #expect(register.status == .badRequest)
            let blocked = try await client.authPost("/api/v1/auth/register", json: ["email": "new@example.test", "password": "Password123"])
            #expect(blocked.status == .badRequest)
            #expect(blocked.authProblemType == "urn:atrium:problem:validation")
        }
        // Never reached verification: no failure counted, nothing audited, no account created.
        #expect(try await harness.services.store.users.user(id: user.id)?.failedLogins == 0)
        #expect(try await harness.auditActions().isEmpty)
        #expect(try await harness.services.store.users.user(email: "new@example.test") == nil)
    }

    // MARK: - Refresh tokens through the routes

    @Test func reuseOfARotatedTokenRevokesTheFamilyAndIsAudited() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "reuse@example.test")
        try await harness.app.test(.router) { client in
            let login = try await client.authLogin("reuse@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let rotated = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": login.refresh_token])
            #expect(rotated.status == .ok)
            let successor = try rotated.authDecode(AuthTokenBody.self)
            #expect(successor.refresh_token != login.refresh_token)

            let replay = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": login.refresh_token])
            #expect(replay.status == .unauthorized)
            let victim = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": successor.refresh_token])
            #expect(victim.status == .unauthorized)
            #expect(try Self.bodyWithoutRequestID(replay) == Self.bodyWithoutRequestID(victim))
        }
        #expect(try await harness.auditActions() == ["auth.login", "auth.refresh_reuse"])
    }

    @Test func concurrentRefreshesWithOneTokenYieldExactlyOneSuccessor() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "race@example.test")
        try await harness.app.test(.router) { client in
            let login = try await client.authLogin("race@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": login.refresh_token]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .unauthorized }.count == 9)
        }
        #expect(try await harness.auditActions().filter { $0 == "auth.refresh_reuse" }.count == 1)
    }

    @Test func cookieRefreshNeedsTheCSRFHeader() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "cookie@example.test")
        try await harness.app.test(.router) { client in
            let response = try await client.authLogin("cookie@example.test", AuthHarness.password)
            let body = try response.authDecode(AuthTokenBody.self)
            let refreshCookie = try #require(response.authSetCookies.first { $0.hasPrefix("atrium_refresh=") })
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"] {
                #expect(refreshCookie.contains(attribute), "\(refreshCookie)")
            }
            let csrfCookie = try #require(response.authSetCookies.first { $0.hasPrefix("atrium_csrf=") })
            #expect(!csrfCookie.contains("HttpOnly"))
            #expect(response.authCookie("atrium_refresh") == body.refresh_token)
            #expect(response.authCookie("atrium_csrf") == body.csrf_token)

            let cookies = "atrium_refresh=\(body.refresh_token); atrium_csrf=\(body.csrf_token)"
            let missing = try await client.authPost("/api/v1/auth/refresh", headers: try authCookieHeaders(cookies, csrf: nil))
            #expect(missing.status == .forbidden)
            #expect(missing.authProblemType == "urn:atrium:problem:csrf")
            // Header and cookie agree but are not the family's MAC (a planted cookie).
            let planted = "atrium_refresh=\(body.refresh_token); atrium_csrf=forged"
            let forged = try await client.authPost("/api/v1/auth/refresh", headers: try authCookieHeaders(planted, csrf: "forged"))
            #expect(forged.status == .forbidden)

            let refreshed = try await client.authPost("/api/v1/auth/refresh", headers: try authCookieHeaders(cookies, csrf: body.csrf_token))
            #expect(refreshed.status == .ok)
            let next = try refreshed.authDecode(AuthTokenBody.self)
            #expect(refreshed.authCookie("atrium_refresh") == next.refresh_token)
            #expect(next.csrf_token == body.csrf_token)
            #expect(refreshed.headers[.cacheControl] == "no-store")
        }
    }

    @Test func logoutThenRefreshIsRefused() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "bye@example.test")
        try await harness.app.test(.router) { client in
            let login = try await client.authLogin("bye@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let logout = try await client.authPost("/api/v1/auth/logout", json: ["refresh_token": login.refresh_token])
            #expect(logout.status == .noContent)
            #expect(logout.authSetCookies.contains { $0.hasPrefix("atrium_refresh=;") && $0.contains("Max-Age=0") })
            let refresh = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": login.refresh_token])
            #expect(refresh.status == .unauthorized)

            // Logout with the access token alone ends that token's family.
            let second = try await client.authLogin("bye@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            #expect(try await client.authPost("/api/v1/auth/logout", headers: authBearer(second.access_token)).status == .noContent)
            #expect(try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": second.refresh_token]).status == .unauthorized)
            #expect(try await client.authPost("/api/v1/auth/logout").status == .unauthorized)
        }
        #expect(try await harness.auditActions().filter { $0 == "auth.logout" }.count == 2)
    }

    @Test func passwordChangeEndsEverySession() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "change@example.test")
        try await harness.app.test(.router) { client in
            let phone = try await client.authLogin("change@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let laptop = try await client.authLogin("change@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let wrong = try await client.authPost(
                "/api/v1/auth/password",
                json: ["current_password": "not the password", "new_password": "a brand new passphrase"],
                headers: authBearer(laptop.access_token)
            )
            #expect(wrong.status == .forbidden)
            let changed = try await client.authPost(
                "/api/v1/auth/password",
                json: ["current_password": AuthHarness.password, "new_password": "a brand new passphrase"],
                headers: authBearer(laptop.access_token)
            )
            #expect(changed.status == .noContent)
            for session in [phone, laptop] {
                #expect(try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": session.refresh_token]).status == .unauthorized)
            }
            #expect(try await client.authLogin("change@example.test", AuthHarness.password).status == .unauthorized)
            #expect(try await client.authLogin("change@example.test", "a brand new passphrase").status == .ok)
        }
        let actions = try await harness.auditActions()
        #expect(actions.contains("auth.password_change"))
        #expect(actions.filter { $0 == "auth.login_failed" }.count == 2)  // the wrong current password, the old password
    }

    // MARK: - MFA

    @Test func mfaEnrolVerifyThenLoginNeedsTheCode() async throws {
        let harness = AuthHarness()
        try await harness.seed(email: "mfa@example.test")
        try await harness.app.test(.router) { client in
            let login = try await client.authLogin("mfa@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let enroll = try await client.authPost("/api/v1/auth/mfa/enroll", headers: authBearer(login.access_token))
            #expect(enroll.status == .ok)
            let enrolment = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: enroll.body).utf8)) as? [String: String])
            let secret = try #require(enrolment["secret"])
            let uri = try #require(enrolment["otpauth_uri"])
            #expect(uri.hasPrefix("otpauth://totp/") && uri.contains("secret=\(secret)") && uri.contains("issuer=Atrium"))
            // What an authenticator app does: base32-decode the secret and run RFC 6238.
            let key = try #require(Self.base32Decode(secret))
            let totp = TOTP(secret: String(decoding: key, as: UTF8.self))
            func code() -> String { String(format: "%06d", totp.compute(date: harness.clock.current)) }

            // Pending: login does not need a code yet.
            #expect(try await client.authLogin("mfa@example.test", AuthHarness.password).status == .ok)
            let badVerify = try await client.authPost("/api/v1/auth/mfa/verify", json: ["code": code() == "000000" ? "111111" : "000000"], headers: authBearer(login.access_token))
            #expect(badVerify.status == .badRequest)
            let verify = try await client.authPost("/api/v1/auth/mfa/verify", json: ["code": code()], headers: authBearer(login.access_token))
            #expect(verify.status == .ok)
            #expect(String(buffer: verify.body) == #"{"mfa_enabled":true}"#)

            let noCode = try await client.authLogin("mfa@example.test", AuthHarness.password)
            #expect(noCode.status == .unauthorized)
            #expect(noCode.authProblemType == "urn:atrium:problem:mfa-required")
            let wrongCode = try await client.authLogin("mfa@example.test", AuthHarness.password, otp: code() == "123456" ? "654321" : "123456")
            #expect(wrongCode.status == .unauthorized)
            #expect(wrongCode.authProblemType == "urn:atrium:problem:unauthorized")
            // A wrong password with no code gets the generic answer: mfa-required only follows a right password.
            #expect(try await client.authLogin("mfa@example.test", "not the password").authProblemType == "urn:atrium:problem:unauthorized")
            harness.clock.advance(30)
            let used = code()
            #expect(try await client.authLogin("mfa@example.test", AuthHarness.password, otp: used).status == .ok)
            // The same code again, still inside its window: a replay, refused like a wrong code.
            harness.clock.advance(5)
            let replayed = try await client.authLogin("mfa@example.test", AuthHarness.password, otp: used)
            #expect(replayed.status == .unauthorized && replayed.authProblemType == "urn:atrium:problem:unauthorized")
            harness.clock.advance(30)
            #expect(try await client.authLogin("mfa@example.test", AuthHarness.password, otp: code()).status == .ok)
            #expect(try await client.authPost("/api/v1/auth/mfa/enroll", headers: authBearer(login.access_token)).status == .conflict)
        }
        let actions = try await harness.auditActions()
        #expect(actions.contains("auth.mfa_enroll") && actions.contains("auth.mfa_enable"))
    }

    static func base32Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0
        var value = 0
        var bytes: [UInt8] = []
        for character in text {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return bytes
    }

    // MARK: - Middleware and audiences

    @Test func middlewareSetsIdentityAndRoutesCheckTheAudience() async throws {
        let harness = AuthHarness()
        let customer = try await harness.seed(email: "cust@example.test")
        try await harness.seed(email: "ops@example.test", kind: .staff, roles: [.admin])
        try await harness.app.test(.router) { client in
            let customerLogin = try await client.authLogin("cust@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let staffLogin = try await client.authLogin("ops@example.test", AuthHarness.password).authDecode(AuthTokenBody.self)
            let tokens = TokenService(secret: AuthHarness.jwtSecret, clock: harness.clock.appClock)
            #expect(try await tokens.verify(staffLogin.access_token, accepting: [.staff]).roles == [.admin])

            let own = try await client.execute(uri: "/api/v1/test/portal", method: .get, headers: authBearer(customerLogin.access_token))
            #expect(own.status == .ok)
            #expect(String(buffer: own.body) == customer.id.uuidString.lowercased())
            let staff = try await client.execute(uri: "/api/v1/test/portal", method: .get, headers: authBearer(staffLogin.access_token))
            #expect(staff.status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/test/portal", method: .get).status == .unauthorized)

            let garbage = try await client.execute(uri: "/api/v1/test/portal", method: .get, headers: authBearer("not.a.token"))
            #expect(garbage.status == .unauthorized)
            #expect(garbage.authProblemType == "urn:atrium:problem:unauthorized")
            #expect(garbage.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let basic = try await client.execute(uri: "/api/v1/test/portal", method: .get, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == .unauthorized)

            harness.clock.advance(15 * 60 + 61)
            let expired = try await client.execute(uri: "/api/v1/test/portal", method: .get, headers: authBearer(customerLogin.access_token))
            #expect(expired.status == .unauthorized)
            #expect(expired.authProblemType == "urn:atrium:problem:unauthorized")
            // An expired header does not block the refresh that replaces it.
            let refresh = try await client.authPost("/api/v1/auth/refresh", json: ["refresh_token": customerLogin.refresh_token], headers: authBearer(customerLogin.access_token))
            #expect(refresh.status == .ok)
        }
    }
}
