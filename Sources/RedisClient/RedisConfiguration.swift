import Foundation

/// Where and how to reach Redis, parsed from `redis://[user:pass@]host:port[/db]`.
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// Shared connections in the pool; each one pipelines many concurrent commands.
    public var poolSize: Int
    /// At most this many connections lent out whole, for blocking commands and `WATCH`.
    public var maxDedicatedConnections: Int
    public var connectTimeout: Duration
    public var commandTimeout: Duration
    /// Longest wait between reconnect attempts after Redis became unreachable.
    public var maxReconnectBackoff: Duration

    public init(
        host: String,
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = 2,
        maxDedicatedConnections: Int = 32,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        maxReconnectBackoff: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = poolSize
        self.maxDedicatedConnections = maxDedicatedConnections
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maxReconnectBackoff = maxReconnectBackoff
    }

    /// Why a Redis URL was refused. The message never repeats the URL, which may hold a password.
    public struct URLError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Parses `redis://[user:pass@]host[:port][/db]`; user and password may be percent-encoded.
    ///
    /// - Throws: ``URLError`` naming what is wrong; it never echoes the URL.
    public init(url: String) throws(URLError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme else {
            throw URLError(description: "not a valid URL (expected redis://[user:pass@]host:port[/db]; percent-encode reserved characters in the password)")
        }
        guard scheme.lowercased() == "redis" else {
            throw URLError(description: "scheme '\(scheme.prefix(16))' is not supported (expected redis://)")
        }
        guard components.query == nil, components.fragment == nil else {
            throw URLError(description: "query and fragment are not supported")
        }
        guard let host = components.host, !host.isEmpty else { throw URLError(description: "host is missing") }
        let port = components.port ?? 6379
        guard (1...65535).contains(port) else { throw URLError(description: "port must be an integer from 1 to 65535") }
        var database = 0
        let path = components.path.drop(while: { $0 == "/" })
        if !path.isEmpty {
            guard let value = Int(path), value >= 0 else {
                throw URLError(description: "database must be a non-negative integer (redis://host:port/0)")
            }
            database = value
        }
        var username = components.user
        var password = components.password
        if password == nil, let lone = username {
            // `redis://secret@host`: a lone userinfo is the password, as redis-cli reads it.
            password = lone
            username = nil
        }
        if username?.isEmpty == true { username = nil }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.init(host: bareHost, port: port, username: username, password: password, database: database)
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The URL with any credentials masked; safe to log.
    public var description: String {
        let credentials = (username != nil || password != nil) ? "***@" : ""
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(hostPart):\(port)/\(database)"
    }
}
