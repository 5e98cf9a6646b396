import ArgumentParser
import BFF
import Foundation
import Logging
import Queue
import RedisClient

/// Options shared by `atrium worker` and `atrium queue …`.
struct QueueOptions: ParsableArguments {
    @Option(help: "Prefix of every queue key in Redis (separates environments sharing one Redis).")
    var keyPrefix: String = "atrium"

    /// `REDIS_URL` from the validated configuration; these commands have no in-memory mode.
    func redis(for command: String) throws -> RedisConfiguration {
        let config = try loadConfiguration()
        guard let redis = config.redis else {
            FileHandle.standardError.write(Data("atrium: configuration error: REDIS_URL: is required for atrium \(command)\n".utf8))
            throw ExitCode(2)
        }
        config.bootstrapLogging()
        return redis
    }

    static func queueNames(_ list: String) throws -> [QueueName] {
        do {
            return try list.split(separator: ",").map { try QueueName($0.trimmingCharacters(in: .whitespaces)) }
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// Prints one JSON object per line, keys sorted.
func printJSON(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) {
        print(String(decoding: data, as: UTF8.self))
    }
}

func nowMillis() -> Int64 { QueueClock.system.nowMillis() }

extension Job {
    var summary: [String: Any] {
        var fields: [String: Any] = [
            "id": id, "name": name, "state": state.rawValue, "priority": priority, "runs": runs, "failures": failures,
            "max_attempts": maxAttempts, "stalls": stalls, "created_at": createdAt, "run_at": runAt, "progress": progress,
            "payload_bytes": payload.count,
            "errors": errors.map { ["attempt": $0.attempt, "message": $0.message, "at": $0.at] as [String: Any] },
        ]
        if let finishedAt { fields["finished_at"] = finishedAt }
        return fields
    }
}
