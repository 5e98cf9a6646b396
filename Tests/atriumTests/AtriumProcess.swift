import Foundation
import NIOConcurrencyHelpers

/// The `atrium` binary built beside this test bundle, run as a child process.
final class AtriumProcess: Sendable {
    private let process: Process
    private let output = NIOLockedValueBox(Data())
    private let errors = NIOLockedValueBox(Data())

    var stdout: String { String(decoding: output.withLockedValue { $0 }, as: UTF8.self) }
    var stderr: String { String(decoding: errors.withLockedValue { $0 }, as: UTF8.self) }

    /// `ATRIUM_BINARY`, else `atrium` in the folder of the running test bundle (`.build/debug`).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["ATRIUM_BINARY"] { return URL(fileURLWithPath: path) }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        // On Linux the test bundle is `atriumPackageTests.xctest`, a file beside the products.
        while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("atrium").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("atrium")
    }

    private init(arguments: [String], environment: [String: String]) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        // A clean environment: the test runner's REDIS_URL/DATABASE_URL must not leak into the child.
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let output = self.output
        let errors = self.errors
        outPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLockedValue { $0.append(data) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            errors.withLockedValue { $0.append(data) }
        }
        try process.run()
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs to completion (at most 30 s).
    static func run(_ arguments: [String], environment: [String: String]) throws -> Result {
        let child = try AtriumProcess(arguments: arguments, environment: environment)
        let deadline = Date().addingTimeInterval(30)
        while child.process.isRunning && Date() < deadline { usleep(10_000) }
        if child.process.isRunning { child.forceStop() }
        child.process.waitUntilExit()
        usleep(50_000)  // let the pipe handlers drain
        return Result(status: child.process.terminationStatus, stdout: child.stdout, stderr: child.stderr)
    }

    static func start(_ arguments: [String], environment: [String: String]) throws -> AtriumProcess {
        try AtriumProcess(arguments: arguments, environment: environment)
    }

    func waitForOutput(containing text: String, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if stdout.contains(text) { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessError.noOutput(text: text, stdout: stdout, stderr: stderr)
    }

    func waitForError(containing text: String, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessError.noOutput(text: text, stdout: stdout, stderr: stderr)
    }

    /// Waits for the process to exit by itself; its status.
    func waitForExit(within limit: Duration) async throws -> Int32 {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ProcessError.didNotExit }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))
        return process.terminationStatus
    }

    /// SIGKILL: as abrupt as a crash.
    func crash() {
        forceStop()
    }

    /// Sends `signal` and waits for the exit status.
    func stop(signal: Int32, within limit: Duration) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ProcessError.didNotExit }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    func forceStop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    enum ProcessError: Error {
        case noOutput(text: String, stdout: String, stderr: String)
        case didNotExit
    }
}
