import Foundation
import TestSupport
import Testing

/// `atrium migrate` and `atrium user create`, run as an operator would against the test database.
@Suite("atrium migrate and user create")
struct MigrateCommandTests {
    static var databaseURL: String {
        ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"
    }

    @Test func migrateNeedsDatabaseURL() throws {
        let result = try AtriumProcess.run(["migrate"], environment: [:])
        #expect(result.status == 2)
        #expect(result.stderr == "atrium: configuration error: DATABASE_URL: is required for atrium migrate\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func migrateTwiceIsUpToDateTheSecondTime() throws {
        let first = try AtriumProcess.run(["migrate"], environment: ["DATABASE_URL": Self.databaseURL])
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines == ["up to date"] || lines.allSatisfy { $0.hasPrefix("applied ") }, "\(first.stdout)")
        let second = try AtriumProcess.run(["migrate"], environment: ["DATABASE_URL": Self.databaseURL])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "up to date\n")
    }

    @Test func migrateReportsAnUnreachableDatabaseAndExits1() throws {
        let port = try freeLoopbackPort()
        let result = try AtriumProcess.run(
            ["migrate", "--connect-timeout", "2"],
            environment: ["DATABASE_URL": "postgres://u:hunter2secret@127.0.0.1:\(port)/db"]
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("did not accept a connection"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2secret") && !result.stdout.contains("hunter2secret"))
    }

    static func userEnvironment(password: String?) -> [String: String] {
        var environment = [
            "DATABASE_URL": databaseURL,
            "ATRIUM_JWT_SECRET": String(repeating: "j", count: 48),
            "ATRIUM_PASSWORD_PEPPER": String(repeating: "p", count: 32),
        ]
        environment["ATRIUM_NEW_USER_PASSWORD"] = password
        return environment
    }

    @Test func userCreateNeedsTheDatabaseAndThePepper() throws {
        let withoutDatabase = try AtriumProcess.run(["user", "create", "--email", "a@example.com", "--role", "admin"], environment: [:])
        #expect(withoutDatabase.status == 2)
        #expect(withoutDatabase.stderr.contains("DATABASE_URL"), "\(withoutDatabase.stderr)")
        var environment = Self.userEnvironment(password: "a long enough passphrase")
        environment["ATRIUM_PASSWORD_PEPPER"] = nil
        let withoutPepper = try AtriumProcess.run(["user", "create", "--email", "a@example.com", "--role", "admin"], environment: environment)
        #expect(withoutPepper.status == 2)
        #expect(withoutPepper.stderr.contains("ATRIUM_PASSWORD_PEPPER"), "\(withoutPepper.stderr)")
    }

    @Test func userCreateRefusesAWeakPasswordAndUnknownRoles() throws {
        let weak = try AtriumProcess.run(
            ["user", "create", "--email", "weak@example.com", "--role", "admin"],
            environment: Self.userEnvironment(password: "password")
        )
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("password refused"), "\(weak.stderr)")
        #expect(weak.stdout.isEmpty)
        let role = try AtriumProcess.run(
            ["user", "create", "--email", "x@example.com", "--role", "wizard"],
            environment: Self.userEnvironment(password: "a long enough passphrase")
        )
        #expect(role.status != 0)
        #expect(role.stderr.contains("unknown role"), "\(role.stderr)")
    }

    /// Creates an account in the test database's default schema, then a duplicate; removes the account after
    /// (its audit row stays: the audit log is append-only by design).
    @Test func userCreatePrintsTheIdAndRefusesADuplicate() async throws {
        let email = "cli-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let arguments = ["user", "create", "--email", email.uppercased(), "--role", "ops", "--role", "admin", "--name", "Ops Person"]
        let created = try AtriumProcess.run(arguments, environment: Self.userEnvironment(password: "correct horse battery staple"))
        #expect(created.status == 0, "\(created.stderr)")
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: id) != nil, "stdout: \(created.stdout)")
        #expect(!created.stdout.contains("correct horse") && !created.stderr.contains("correct horse"))
        let again = try AtriumProcess.run(arguments, environment: Self.userEnvironment(password: "correct horse battery staple"))
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(try await TestDatabase.deleteAccount(email: email) == 1, "the account was stored once")
    }
}
