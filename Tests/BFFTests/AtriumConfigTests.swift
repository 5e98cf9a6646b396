import BFF
import Domain
import Logging
import RedisClient
import Testing

@Suite("Configuration from the environment")
struct AtriumConfigTests {
    @Test func defaultsAreTheEmbeddedDefault() throws {
        let config = try AtriumConfig(environment: [:])
        #expect(config.host == "127.0.0.1")
        #expect(config.port == 8080)
        #expect(config.redis == nil && config.database == nil)
        #expect(config.isEmbeddedDefault)
        #expect(config.logLevel == .info && config.logFormat == .json)
        guard case .sandbox = config.upstreams else {
            Issue.record("expected sandbox upstreams")
            return
        }
    }

    @Test func readsEveryVariable() throws {
        let config = try AtriumConfig(environment: [
            "ATRIUM_HOST": "0.0.0.0", "ATRIUM_PORT": "9090",
            "REDIS_URL": "redis://:pw@127.0.0.1:6390/2",
            "DATABASE_URL": "postgresql://app:pw@db.internal:5433/atrium?sslmode=require",
            "ATRIUM_JWT_SECRET": String(repeating: "j", count: 32), "ATRIUM_PASSWORD_PEPPER": String(repeating: "p", count: 16),
            "ATRIUM_LOG_LEVEL": "DEBUG", "ATRIUM_LOG_FORMAT": "text",
            "ATRIUM_CORS_ORIGINS": "https://portal.example.com, http://localhost:3000",
        ])
        #expect(config.host == "0.0.0.0" && config.port == 9090)
        #expect(config.redis?.port == 6390 && config.redis?.database == 2)
        #expect(config.database?.host == "db.internal" && config.database?.port == 5433 && config.database?.tls == .require)
        #expect(config.logLevel == .debug && config.logFormat == .text)
        #expect(config.corsOrigins == ["https://portal.example.com", "http://localhost:3000"])
        #expect(!config.isEmbeddedDefault)
    }

    @Test func edgeSettingsHaveDefaultsAndAreRead() throws {
        let defaults = try AtriumConfig(environment: [:])
        #expect(defaults.idleTimeoutSeconds == 30 && defaults.maxBodyBytes == 1_048_576 && !defaults.trustProxy)
        let config = try AtriumConfig(environment: [
            "ATRIUM_IDLE_TIMEOUT": "15", "ATRIUM_MAX_BODY_BYTES": "65536", "ATRIUM_TRUST_PROXY": "TRUE",
        ])
        #expect(config.idleTimeoutSeconds == 15 && config.maxBodyBytes == 65_536 && config.trustProxy)
        #expect(try AtriumConfig(environment: ["ATRIUM_TRUST_PROXY": "0"]).trustProxy == false)
        #expect("\(config)".contains("idle_timeout=15s max_body=65536") && "\(config)".contains("trust_proxy=true"))
        #expect(defaults.apiRateLimit == (30, 20))
        let raised = try AtriumConfig(environment: ["ATRIUM_API_RATE_LIMIT": "200, 100"])
        #expect(raised.apiRateLimit == (200, 100) && "\(raised)".contains("api_rate_limit=200/s,burst=100"))
    }

    @Test func cacheTTLsOverrideTheDefaults() throws {
        let config = try AtriumConfig(environment: ["ATRIUM_CACHE_TTLS": "invoices=30, sim-usage=5"])
        #expect(config.cachePolicies[.invoices].ttl == .seconds(30))
        #expect(config.cachePolicies[.simUsage].ttl == .seconds(5))
        #expect(config.cachePolicies[.catalog].ttl == .seconds(600))
    }

    @Test func emptyValuesCountAsUnset() throws {
        let config = try AtriumConfig(environment: ["REDIS_URL": "", "ATRIUM_PORT": " "])
        #expect(config.redis == nil && config.port == 8080)
    }

    static let badValues: [(env: [String: String], variable: String)] = [
        (["ATRIUM_PORT": "abc"], "ATRIUM_PORT"),
        (["ATRIUM_API_RATE_LIMIT": "30"], "ATRIUM_API_RATE_LIMIT"),
        (["ATRIUM_API_RATE_LIMIT": "0,20"], "ATRIUM_API_RATE_LIMIT"),
        (["ATRIUM_PORT": "70000"], "ATRIUM_PORT"),
        (["ATRIUM_HOST": "bad host!"], "ATRIUM_HOST"),
        (["REDIS_URL": "ftp://x"], "REDIS_URL"),
        (["REDIS_URL": "redis://:6379"], "REDIS_URL"),
        (["DATABASE_URL": "postgres://user:pw@/db"], "DATABASE_URL"),
        (["DATABASE_URL": "postgres://user:pw@host:5432/"], "DATABASE_URL"),
        (["DATABASE_URL": "mysql://user:pw@host/db"], "DATABASE_URL"),
        (["DATABASE_URL": "postgres://user:pw@host/db?sslmode=maybe"], "DATABASE_URL"),
        (["DATABASE_URL": "postgres://user:pw@host/db"], "ATRIUM_JWT_SECRET"),
        (["DATABASE_URL": "postgres://user:pw@host/db", "ATRIUM_JWT_SECRET": String(repeating: "j", count: 32)], "ATRIUM_PASSWORD_PEPPER"),
        (["ATRIUM_JWT_SECRET": "too-short"], "ATRIUM_JWT_SECRET"),
        (["ATRIUM_LOG_LEVEL": "loud"], "ATRIUM_LOG_LEVEL"),
        (["ATRIUM_LOG_FORMAT": "xml"], "ATRIUM_LOG_FORMAT"),
        (["ATRIUM_CORS_ORIGINS": "portal.example.com"], "ATRIUM_CORS_ORIGINS"),
        (["ATRIUM_UPSTREAMS": "mock"], "ATRIUM_UPSTREAMS"),
        (["ATRIUM_CACHE_TTLS": "invoices"], "ATRIUM_CACHE_TTLS"),
        (["ATRIUM_CACHE_TTLS": "bills=90"], "ATRIUM_CACHE_TTLS"),
        (["ATRIUM_CACHE_TTLS": "invoices=0"], "ATRIUM_CACHE_TTLS"),
        (["ATRIUM_UPSTREAMS": "live"], "ATRIUM_UPSTREAMS"),
        (["ATRIUM_UPSTREAMS": "live", "STRIPE_API_BASE": "https://api.stripe.test"], "STRIPE_API_KEY"),
        (["ATRIUM_UPSTREAMS": "live", "WHMCS_URL": "gopher://x", "WHMCS_IDENTIFIER": "i", "WHMCS_SECRET": "s"], "WHMCS_URL"),
        (["ATRIUM_UPSTREAMS": "live", "SUPPLIER_FEEDS": "https://feeds.test/a.xml,notaurl"], "SUPPLIER_FEEDS"),
        (["ATRIUM_IDLE_TIMEOUT": "0"], "ATRIUM_IDLE_TIMEOUT"),
        (["ATRIUM_IDLE_TIMEOUT": "30s"], "ATRIUM_IDLE_TIMEOUT"),
        (["ATRIUM_MAX_BODY_BYTES": "100"], "ATRIUM_MAX_BODY_BYTES"),
        (["ATRIUM_MAX_BODY_BYTES": "1MiB"], "ATRIUM_MAX_BODY_BYTES"),
        (["ATRIUM_MAX_BODY_BYTES": "67108865"], "ATRIUM_MAX_BODY_BYTES"),
        (["ATRIUM_TRUST_PROXY": "maybe"], "ATRIUM_TRUST_PROXY"),
    ]

    @Test(arguments: badValues)
    func badValueNamesTheVariable(_ env: [String: String], _ variable: String) {
        let error = #expect(throws: ConfigError.self) { try AtriumConfig(environment: env) }
        #expect(error?.variable == variable)
        #expect(error?.description.hasPrefix("\(variable): ") == true)
    }

    @Test func errorsNeverRepeatSecretValues() {
        let cases: [[String: String]] = [
            ["REDIS_URL": "redis://user:hunter2secret@:6379"],
            ["DATABASE_URL": "postgres://user:hunter2secret@/db"],
            ["DATABASE_URL": "postgres://user:hunter2secret@host:99999/db"],
        ]
        for env in cases {
            let error = #expect(throws: ConfigError.self) { try AtriumConfig(environment: env) }
            #expect(error.map { !$0.description.contains("hunter2secret") } == true)
        }
    }

    @Test func descriptionRedactsSecrets() throws {
        let config = try AtriumConfig(environment: [
            "REDIS_URL": "redis://app:redis-secret-1@cache:6379/0",
            "DATABASE_URL": "postgres://app:db-secret-2@db:5432/atrium",
            "ATRIUM_JWT_SECRET": "jwt-secret-3-" + String(repeating: "x", count: 32),
            "ATRIUM_PASSWORD_PEPPER": "pepper-secret-4-xxxxxxxx",
            "ATRIUM_UPSTREAMS": "live",
            "STRIPE_API_BASE": "https://api.stripe.test", "STRIPE_API_KEY": "sk_test_secret5", "STRIPE_WEBHOOK_SECRET": "whsec_secret6",
        ])
        let text = "\(config) \(String(reflecting: config))"
        for secret in ["redis-secret-1", "db-secret-2", "jwt-secret-3", "pepper-secret-4", "sk_test_secret5", "whsec_secret6"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
        #expect(text.contains("redis://***@cache:6379/0"))
        #expect(text.contains("postgres://app:***@db:5432/atrium"))
        #expect(text.contains("stripe=https://api.stripe.test"))
    }

    @Test func liveUpstreamsKeepOnlyConfiguredOnes() throws {
        let config = try AtriumConfig(environment: [
            "ATRIUM_UPSTREAMS": "live",
            "SIM_API_URL": "http://127.0.0.1:9000", "SIM_AUTH_KEY": "OEM-1:k",
            "SUPPLIER_FEEDS": "https://feeds.test/a.xml, https://feeds.test/b.json",
        ])
        guard case .live(let live) = config.upstreams else {
            Issue.record("expected live upstreams")
            return
        }
        #expect(Set(live.keys) == [.sim, .supplier])
        #expect(live[.supplier]?.feeds == ["https://feeds.test/a.xml", "https://feeds.test/b.json"])
        #expect(live[.sim]?.credentials["SIM_AUTH_KEY"]?.value == "OEM-1:k")
    }

    @Test func simAuthKeyNeedsOEMIDAndKey() {
        for bad in ["k", ":k", "OEM-1:"] {
            do {
                _ = try AtriumConfig(environment: ["ATRIUM_UPSTREAMS": "live", "SIM_API_URL": "http://127.0.0.1:9000", "SIM_AUTH_KEY": bad])
                Issue.record("accepted SIM_AUTH_KEY '\(bad)'")
            } catch {
                #expect(error.description.hasPrefix("SIM_AUTH_KEY"))
            }
        }
    }
}
