import ArgumentParser
import BFF
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Account administration.",
        subcommands: [CreateUser.self]
    )
}

struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an account: bootstrap an admin, or add a customer. Prints the new account's id.",
        discussion: """
            The password comes from ATRIUM_NEW_USER_PASSWORD, else from the first line of standard input (not echoed \
            on a terminal); never from the command line, which other users can read in `ps`. It must satisfy the \
            password policy (8 to 256 characters, not a well-known password). Needs DATABASE_URL and \
            ATRIUM_PASSWORD_PEPPER with the rest of serve's configuration, and migrates the database first. \
            Exit codes: 0 created, 1 refused (email taken, weak password) or failed, 2 bad configuration.
            """
    )

    @Option(help: "The login email (stored lower-cased; unique across the deployment).")
    var email: String
    @Option(
        help: ArgumentHelp(
            "customer, or a staff role (\(Role.staff.map(\.rawValue).joined(separator: ", "))); repeat for several staff roles.",
            valueName: "role"
        )
    )
    var role: [String] = []
    @Option(help: "The account's tenant.")
    var tenant: String = "default"
    @Option(help: "Display name.")
    var name: String?
    @Option(help: "A customer's billing system and customer id there: stripe:<id> or whmcs:<id>.")
    var billing: String?
    @Option(help: "A customer's CRM account id.")
    var crmAccount: String?
    @Option(help: "A customer's account id on the SIM platform.")
    var simAccount: String?

    func validate() throws {
        _ = try kindAndRoles()
        let address = UserRecord.normalise(email: email)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !address.contains(where: \.isWhitespace), address.utf8.count <= 254
        else { throw ValidationError("--email must be an e-mail address") }
        guard !tenant.trimmingCharacters(in: .whitespaces).isEmpty, tenant.utf8.count <= 128 else {
            throw ValidationError("--tenant must be 1 to 128 bytes")
        }
        if let name, name.utf8.count > 200 { throw ValidationError("--name must be at most 200 bytes") }
        _ = try links()
    }

    /// The account links the options give; only customers have them.
    func links() throws -> AccountLinks {
        var links = AccountLinks()
        if let billing {
            let parts = billing.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["stripe", "whmcs"].contains(parts[0]), !parts[1].isEmpty, parts[1].utf8.count <= 128 else {
                throw ValidationError("--billing must be stripe:<customer id> or whmcs:<client id>")
            }
            links.billingProvider = parts[0]
            links.billingCustomerID = parts[1]
        }
        for (value, flag) in [(crmAccount, "--crm-account"), (simAccount, "--sim-account")] {
            if let value, value.isEmpty || value.utf8.count > 128 || value.contains(where: \.isWhitespace) {
                throw ValidationError("\(flag) must be 1 to 128 bytes without spaces")
            }
        }
        links.crmAccountID = crmAccount
        links.simAccountID = simAccount
        if links != AccountLinks(), try kindAndRoles().0 != .customer {
            throw ValidationError("--billing, --crm-account and --sim-account are for customer accounts")
        }
        return links
    }

    /// `customer` alone makes a customer account; staff roles make a staff account.
    func kindAndRoles() throws -> (UserKind, [Role]) {
        let names = Role.allCases.map(\.rawValue).joined(separator: ", ")
        guard !role.isEmpty else { throw ValidationError("--role is required (one of \(names))") }
        var roles: [Role] = []
        for text in role {
            guard let parsed = Role(rawValue: text.lowercased()) else {
                throw ValidationError("unknown role '\(text.prefix(32))' (expected one of \(names))")
            }
            if !roles.contains(parsed) { roles.append(parsed) }
        }
        if roles.contains(.customer) {
            guard roles.count == 1 else { throw ValidationError("the customer role cannot be combined with staff roles") }
            return (.customer, roles)
        }
        return (.staff, roles)
    }

    func run() async throws {
        let config = try loadConfiguration()
        guard let database = config.database, let pepper = config.passwordPepper else {
            exit(2, "configuration error: DATABASE_URL: is required for atrium user create")
        }
        bootstrapCommandLogging()
        let logger = Logger(label: "atrium.user")
        let (kind, roles) = try kindAndRoles()
        let password = readNewPassword()
        do {
            try PasswordPolicy.validate(password)
        } catch let problem as Problem {
            exit(1, "password refused: \(problem.detail ?? problem.kind.title)")
        }
        _ = try await migrateOrExit(database, logger: logger, printFailure: true)
        let now = Date()
        let user = UserRecord(
            tenant: tenant.trimmingCharacters(in: .whitespaces),
            email: UserRecord.normalise(email: email),
            passwordHash: try await PasswordHasher(pepper: pepper).hash(password),
            kind: kind,
            roles: roles,
            displayName: name,
            links: try links(),
            createdAt: now
        )
        do {
            try await withPostgresStore(database, logger: logger) { store in
                try await store.users.create(user)
                try await store.audit.append(
                    AuditEntry(
                        at: now,
                        tenant: user.tenant,
                        actorID: nil,
                        actorKind: "system",
                        action: "user.create",
                        subject: "user:\(user.id.uuidString.lowercased())",
                        outcome: "success",
                        details: ["via": "cli", "kind": kind.rawValue, "roles": roles.map(\.rawValue).joined(separator: ",")]
                    )
                )
            }
        } catch let error as StoreError where error.code == .conflict {
            exit(1, error.detail)
        } catch {
            exit(1, "could not create the account: \(error)")
        }
        print(user.id.uuidString.lowercased())
    }

    /// ATRIUM_NEW_USER_PASSWORD, else the first line of standard input (echo off on a terminal).
    private func readNewPassword() -> String {
        if let password = ProcessInfo.processInfo.environment["ATRIUM_NEW_USER_PASSWORD"], !password.isEmpty {
            return password
        }
        let line: String?
        if isatty(STDIN_FILENO) == 1 {
            FileHandle.standardError.write(Data("Password for \(UserRecord.normalise(email: email)): ".utf8))
            line = Self.readLineWithoutEcho()
        } else {
            line = readLine(strippingNewline: true)
        }
        guard let line, !line.isEmpty else {
            exit(2, "no password: set ATRIUM_NEW_USER_PASSWORD or write it on standard input")
        }
        return line
    }

    private static func readLineWithoutEcho() -> String? {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }

    /// Prints `atrium user create: <message>` to standard error and exits with `code`.
    private func exit(_ code: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("atrium user create: \(message)\n".utf8))
        Self.exit(withError: ExitCode(code))
    }
}
