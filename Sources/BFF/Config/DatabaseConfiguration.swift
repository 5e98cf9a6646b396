import Foundation

/// Where PostgreSQL is, parsed from `postgres://user:pass@host:port/db[?sslmode=disable|prefer|require]`.
public struct DatabaseConfiguration: Sendable, Hashable {
    public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses a PostgreSQL URL (`postgresql://` is accepted too); user and password may be percent-encoded.
    ///
    /// - Throws: ``ConfigError`` for `DATABASE_URL`, never repeating the URL, which may hold a password.
    public init(url: String) throws(ConfigError) {
        let variable = "DATABASE_URL"
        let shape = "expected postgres://user:pass@host:port/db"
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw ConfigError(variable, "not a valid URL (\(shape); percent-encode reserved characters in the password)")
        }
        guard scheme.lowercased() == "postgres" || scheme.lowercased() == "postgresql" else {
            throw ConfigError(variable, "scheme '\(scheme.prefix(16))' is not supported (expected postgres://)")
        }
        guard let host = components.host, !host.isEmpty else { throw ConfigError(variable, "host is missing (\(shape))") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw ConfigError(variable, "port must be an integer from 1 to 65535") }
        guard let username = components.user, !username.isEmpty else { throw ConfigError(variable, "user is missing (\(shape))") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw ConfigError(variable, "database name is missing (\(shape))") }
        var tls = TLSMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw ConfigError(variable, "unsupported query parameter '\(item.name.prefix(32))' (only sslmode is supported)")
            }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw ConfigError(variable, "sslmode must be disable, prefer or require")
            }
            tls = mode
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(host: bareHost, port: port, username: username, password: components.password, database: database, tls: tls)
    }
}

extension DatabaseConfiguration: CustomStringConvertible {
    /// The URL with the password masked; safe to log.
    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username):***@\(hostPart):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
