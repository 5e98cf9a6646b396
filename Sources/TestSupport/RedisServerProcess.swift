import Foundation

/// A throwaway `redis-server` on a loopback port, for tests that stop and restart Redis.
///
/// Requires `redis-server` on PATH (README's test command installs it). Persistence is off.
public final class RedisServerProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched by start/stop, which tests call sequentially.
    public let port: Int
    /// Extra `redis-server` options, e.g. `["--requirepass", "secret"]`.
    public let extraArguments: [String]
    private var process: Process?

    public init(port: Int? = nil, extraArguments: [String] = []) throws {
        self.port = try port ?? freeLoopbackPort()
        self.extraArguments = extraArguments
    }

    public var url: String { "redis://127.0.0.1:\(port)" }

    /// Starts the server and waits until it accepts connections (at most 10 s).
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { throw ServerError.exited(status: process.terminationStatus) }
            usleep(20_000)
        }
        throw ServerError.notListening
    }

    /// Stops the server (SIGKILL: as abrupt as a crash) and waits for it to exit.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        if let process, process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    public enum ServerError: Error {
        case exited(status: Int32)
        case notListening
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
