import RedisClient
import Testing

@Suite("redis:// URLs")
struct RedisConfigurationTests {
    @Test func fullURL() throws {
        let config = try RedisConfiguration(url: "redis://app:p%40ss@cache.internal:6380/3")
        #expect(config.host == "cache.internal")
        #expect(config.port == 6380)
        #expect(config.username == "app")
        #expect(config.password == "p@ss")
        #expect(config.database == 3)
    }

    @Test func defaultsAndLonePassword() throws {
        let plain = try RedisConfiguration(url: "redis://localhost")
        #expect(plain.port == 6379 && plain.database == 0 && plain.password == nil && plain.username == nil)
        let lone = try RedisConfiguration(url: "redis://s3cret@localhost:6379")
        #expect(lone.password == "s3cret" && lone.username == nil)
        let emptyUser = try RedisConfiguration(url: "redis://:s3cret@[::1]:7000/1")
        #expect(emptyUser.password == "s3cret" && emptyUser.username == nil && emptyUser.host == "::1" && emptyUser.port == 7000)
    }

    @Test(arguments: [
        ("ftp://x", "scheme 'ftp'"),
        ("redis://", "host is missing"),
        ("redis://host:0", "port"),
        ("redis://host/abc", "database"),
        ("redis://host?x=1", "query"),
        ("redis://bad host:1", "not a valid URL"),
    ])
    func rejects(_ url: String, _ reason: String) {
        let error = #expect(throws: RedisConfiguration.URLError.self) { try RedisConfiguration(url: url) }
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "nil")")
    }

    @Test func descriptionMasksCredentials() throws {
        let config = try RedisConfiguration(url: "redis://app:hunter2hunter2@cache:6380/2")
        #expect(config.description == "redis://***@cache:6380/2")
        #expect(!"\(config)".contains("hunter2"))
    }
}
