@testable import BFF
import Foundation
import HTTPTypes
import NIOCore
import Testing

/// Password hashing (peppered pre-hash + bcrypt) and the password policy.
@Suite("Auth: passwords")
struct AuthPasswordTests {
    let hasher = PasswordHasher(pepper: AuthHarness.pepper, cost: 4)

    @Test func productionCostHashesAndVerifies() async throws {
        let hasher = PasswordHasher(pepper: AuthHarness.pepper)
        #expect(hasher.cost == 12)
        let hash = try await hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"))
        #expect(try await hasher.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("correct horse battery stapler", against: hash))
    }

    /// bcrypt alone reads 72 bytes: these two would verify against each other without the pre-hash.
    @Test func passwordsSharingTheirFirst72BytesDoNotMatch() async throws {
        let prefix = String(repeating: "a", count: 72)
        let first = prefix + "-first"
        let second = prefix + "-second"
        #expect(first.utf8.prefix(72).elementsEqual(second.utf8.prefix(72)))
        let hash = try await hasher.hash(first)
        #expect(try await hasher.verify(first, against: hash))
        #expect(try await !hasher.verify(second, against: hash))
        #expect(try await !hasher.verify(prefix, against: hash))
    }

    @Test func thePepperTakesPart() async throws {
        let hash = try await hasher.hash("correct horse battery staple")
        let otherPepper = PasswordHasher(pepper: Secret("a-different-pepper-value"), cost: 4)
        #expect(try await !otherPepper.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("correct horse battery staple", against: "not a bcrypt hash"))
    }

    // MARK: - Policy

    @Test func lengthIsCountedInCharacters() throws {
        try PasswordPolicy.validate(String(repeating: "é", count: 8))
        try PasswordPolicy.validate(String(repeating: "👩‍👩‍👧", count: 8))  // 8 characters, 200 bytes
        try PasswordPolicy.validate(String(repeating: "x", count: 256))
        #expect(throws: Problem.self) { try PasswordPolicy.validate("short7!") }
        #expect(throws: Problem.self) { try PasswordPolicy.validate(String(repeating: "x", count: 257)) }
        // 200 family emoji are 200 characters but 5000 bytes: over the byte cap.
        #expect(throws: Problem.self) { try PasswordPolicy.validate(String(repeating: "👩‍👩‍👧", count: 200)) }
    }

    @Test func noCompositionRules() throws {
        try PasswordPolicy.validate("all lower case words")
        try PasswordPolicy.validate("9183746502")
    }

    @Test func blocklistIsCaseInsensitiveAndTheErrorNeverEchoesThePassword() throws {
        for password in ["password123", "PassWord123", "QWERTYUIOP", "iloveyou"] {
            let problem = try #require(throws: Problem.self) { try PasswordPolicy.validate(password) }
            #expect(problem.kind.type == "urn:atrium:problem:validation")
            #expect(problem.status == .badRequest)
            #expect(problem.detail?.lowercased().contains(password.lowercased()) == false)
        }
        let long = String(repeating: "secret", count: 50)
        let problem = try #require(throws: Problem.self) { try PasswordPolicy.validate(long) }
        #expect(problem.detail?.contains("256") == true)
        #expect(problem.detail?.contains("secret") == false)
    }
}
