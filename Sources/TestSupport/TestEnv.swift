public import BFF
import Foundation
public import RedisClient

/// The live backends tests run against, from the environment with loopback defaults.
///
/// An unreachable backend fails the test that needs it; nothing is skipped.
public enum TestEnv {
    /// `REDIS_URL`, else `redis://127.0.0.1:6379`.
    public static var redis: RedisConfiguration {
        get throws {
            try RedisConfiguration(url: ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379")
        }
    }

    /// `DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/postgres`.
    public static var database: DatabaseConfiguration {
        get throws {
            try DatabaseConfiguration(url: ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres")
        }
    }

    /// A pool to the test Redis, with settings adjusted for one test.
    public static func redisPool(_ adjust: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisPool {
        var config = try redis
        adjust(&config)
        return RedisPool(configuration: config)
    }

    /// A key prefix unique to one test, so concurrent tests never share keys.
    public static func uniquePrefix(_ name: String = #function) -> String {
        "t:\(name.prefix(24)):\(UUID().uuidString.prefix(8))"
    }
}
