import Domain
import Foundation
import Logging
import RedisClient

extension AtriumConfig {
    /// Parses the environment (the variables of PRODUCT.md); unknown variables are ignored.
    ///
    /// - Throws: ``ConfigError`` for the first bad value, naming the variable.
    public init(environment env: [String: String]) throws(ConfigError) {
        self.init()
        // An empty value counts as unset, as shells and container runtimes often export `VAR=`.
        func value(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }

        if let host = value("ATRIUM_HOST") {
            guard Self.isPlausibleHost(host) else {
                throw ConfigError("ATRIUM_HOST", "'\(host.prefix(64))' is not a host name or IP address")
            }
            self.host = host
        }
        if let port = value("ATRIUM_PORT") {
            guard let number = Int(port), (0...65535).contains(number) else {
                throw ConfigError("ATRIUM_PORT", "'\(port.prefix(32))' is not a port number (expected an integer from 0 to 65535)")
            }
            self.port = number
        }
        if let url = value("REDIS_URL") {
            do {
                self.redis = try RedisConfiguration(url: url)
            } catch {
                throw ConfigError("REDIS_URL", error.description)
            }
        }
        if let url = value("DATABASE_URL") {
            self.database = try DatabaseConfiguration(url: url)
        }
        if let level = value("ATRIUM_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError("ATRIUM_LOG_LEVEL", "'\(level.prefix(32))' is not a log level (expected one of \(names))")
            }
            self.logLevel = parsed
        }
        if let format = value("ATRIUM_LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw ConfigError("ATRIUM_LOG_FORMAT", "'\(format.prefix(32))' is not a log format (expected json or text)")
            }
            self.logFormat = parsed
        }
        if let ttls = value("ATRIUM_CACHE_TTLS") {
            self.cachePolicies = CachePolicies(overrides: try Self.parseCacheTTLs(ttls))
        }
        if let origins = value("ATRIUM_CORS_ORIGINS") {
            self.corsOrigins = try Self.parseOrigins(origins)
        }
        if let seconds = value("ATRIUM_IDLE_TIMEOUT") {
            guard let number = Int(seconds), (1...3600).contains(number) else {
                throw ConfigError("ATRIUM_IDLE_TIMEOUT", "'\(seconds.prefix(32))' is not a number of seconds from 1 to 3600")
            }
            self.idleTimeoutSeconds = number
        }
        if let bytes = value("ATRIUM_MAX_BODY_BYTES") {
            // Below 1 KiB no login body fits; above 64 MiB one request could hold a worker's memory.
            guard let number = Int(bytes), (1024...(64 << 20)).contains(number) else {
                throw ConfigError("ATRIUM_MAX_BODY_BYTES", "'\(bytes.prefix(32))' is not a byte count from 1024 to 67108864")
            }
            self.maxBodyBytes = number
        }
        self.tracing = try TracingSettings(value: value)
        if let trust = value("ATRIUM_TRUST_PROXY") {
            switch trust.lowercased() {
            case "1", "true", "yes", "on": self.trustProxy = true
            case "0", "false", "no", "off": self.trustProxy = false
            default: throw ConfigError("ATRIUM_TRUST_PROXY", "'\(trust.prefix(32))' is not a boolean (expected true or false)")
            }
        }
        if let limit = value("ATRIUM_API_RATE_LIMIT") {
            // "<per second>,<burst>", e.g. "200,100" for a portal whose users share one NAT address.
            let parts = limit.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let rate = parts[0], let burst = parts[1], (1...1_000_000).contains(rate), (1...1_000_000).contains(burst) else {
                throw ConfigError("ATRIUM_API_RATE_LIMIT", "'\(limit.prefix(32))' is not '<per second>,<burst>' (each 1 to 1000000)")
            }
            self.apiRateLimit = (rate, burst)
        }
        self.jwtSecret = try value("ATRIUM_JWT_SECRET").map { secret throws(ConfigError) in
            // HS256 needs a key at least as long as its output (32 bytes); JWTKit asserts on shorter ones.
            guard secret.utf8.count >= 32 else { throw ConfigError("ATRIUM_JWT_SECRET", "must be at least 32 bytes long") }
            return Secret(secret)
        }
        self.passwordPepper = try value("ATRIUM_PASSWORD_PEPPER").map { pepper throws(ConfigError) in
            guard pepper.utf8.count >= 16 else { throw ConfigError("ATRIUM_PASSWORD_PEPPER", "must be at least 16 bytes long") }
            return Secret(pepper)
        }
        if database != nil {
            // Generated secrets would change on every restart and log every user out, or lock them out for good.
            if jwtSecret == nil { throw ConfigError("ATRIUM_JWT_SECRET", "is required when DATABASE_URL is set") }
            if passwordPepper == nil { throw ConfigError("ATRIUM_PASSWORD_PEPPER", "is required when DATABASE_URL is set") }
        }
        switch value("ATRIUM_UPSTREAMS")?.lowercased() ?? "sandbox" {
        case "sandbox":
            self.upstreams = .sandbox
        case "live":
            self.upstreams = .live(try Self.parseLiveUpstreams(value))
        case let other:
            throw ConfigError("ATRIUM_UPSTREAMS", "'\(other.prefix(32))' is not an upstream mode (expected sandbox or live)")
        }
    }

    /// The variables of each live upstream: base URL, required credentials, webhook secret.
    static let liveUpstreamVariables: [(id: UpstreamID, url: String, credentials: [String], webhook: String?)] = [
        (.stripe, "STRIPE_API_BASE", ["STRIPE_API_KEY"], "STRIPE_WEBHOOK_SECRET"),
        (.whmcs, "WHMCS_URL", ["WHMCS_IDENTIFIER", "WHMCS_SECRET"], "WHMCS_WEBHOOK_SECRET"),
        (.salesforce, "SALESFORCE_LOGIN_URL", ["SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET"], "SALESFORCE_WEBHOOK_SECRET"),
        (.sim, "SIM_API_URL", ["SIM_AUTH_KEY"], "SIM_WEBHOOK_SECRET"),
    ]

    private static func parseLiveUpstreams(_ value: (String) -> String?) throws(ConfigError) -> [UpstreamID: LiveUpstream] {
        var live: [UpstreamID: LiveUpstream] = [:]
        for entry in liveUpstreamVariables {
            guard let url = value(entry.url) else { continue }
            try requireHTTPURL(url, variable: entry.url)
            var credentials: [String: Secret] = [:]
            for name in entry.credentials {
                guard let secret = value(name) else { throw ConfigError(name, "is required when \(entry.url) is set") }
                credentials[name] = Secret(secret)
            }
            if entry.id == .sim, let key = credentials["SIM_AUTH_KEY"]?.value {
                // The SIM platform authenticates an OEM id and key pair (fixtures/upstream/sim/README.md).
                let parts = key.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ConfigError("SIM_AUTH_KEY", "must be '<oem id>:<oem key>'")
                }
            }
            live[entry.id] = LiveUpstream(baseURL: url, credentials: credentials, webhookSecret: entry.webhook.flatMap(value).map(Secret.init))
        }
        if let feeds = value("SUPPLIER_FEEDS") {
            let urls = feeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for url in urls { try requireHTTPURL(url, variable: "SUPPLIER_FEEDS") }
            if let first = urls.first {
                // The first feed stands for the supplier upstream in readiness; all feeds are kept for the sync job.
                // The JSON supplier API's key and the suppliers' webhook secret (Heureka XML feeds need neither).
                live[.supplier] = LiveUpstream(
                    baseURL: first, credentials: value("SUPPLIER_API_KEY").map { ["SUPPLIER_API_KEY": Secret($0)] } ?? [:],
                    webhookSecret: value("SUPPLIER_WEBHOOK_SECRET").map(Secret.init), feeds: urls
                )
            }
        }
        if live.isEmpty {
            throw ConfigError("ATRIUM_UPSTREAMS", "is 'live' but no upstream URL is set (STRIPE_API_BASE, WHMCS_URL, SALESFORCE_LOGIN_URL, SIM_API_URL, SUPPLIER_FEEDS)")
        }
        return live
    }

    private static func requireHTTPURL(_ url: String, variable: String) throws(ConfigError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw ConfigError(variable, "expected an http:// or https:// URL with a host")
        }
        guard components.user == nil, components.password == nil else {
            throw ConfigError(variable, "must not carry credentials in the URL; use the credential variables")
        }
    }

    /// `invoices=90,catalog=600`: seconds per resource, 1 to 86400.
    private static func parseCacheTTLs(_ text: String) throws(ConfigError) -> [CacheResource: Duration] {
        var overrides: [CacheResource: Duration] = [:]
        let names = CacheResource.allCases.map(\.rawValue).joined(separator: ", ")
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let resource = CacheResource(rawValue: parts[0]) else {
                throw ConfigError("ATRIUM_CACHE_TTLS", "'\(item.prefix(40))' is not resource=seconds (resources: \(names))")
            }
            guard let seconds = Int(parts[1]), (1...86_400).contains(seconds) else {
                throw ConfigError("ATRIUM_CACHE_TTLS", "TTL for \(resource.rawValue) must be whole seconds from 1 to 86400")
            }
            overrides[resource] = .seconds(seconds)
        }
        return overrides
    }

    private static func parseOrigins(_ text: String) throws(ConfigError) -> [String] {
        let origins = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for origin in origins where origin != "*" {
            guard let components = URLComponents(string: origin), let scheme = components.scheme,
                scheme == "http" || scheme == "https", components.host?.isEmpty == false,
                components.path.isEmpty, components.query == nil
            else {
                throw ConfigError("ATRIUM_CORS_ORIGINS", "'\(origin.prefix(64))' is not an origin (expected scheme://host[:port] or *)")
            }
        }
        return origins
    }

    private static func isPlausibleHost(_ host: String) -> Bool {
        host.utf8.count <= 253
            && host.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: ":")
            }
    }
}
