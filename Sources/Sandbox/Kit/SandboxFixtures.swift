public import Foundation

/// The upstream payloads the sandboxes are seeded from: `fixtures/upstream/<provider>/` of the checkout.
///
/// The folder is `ATRIUM_FIXTURES_DIR` when set, else the checkout's `fixtures/upstream` located from this
/// source file's path at build time (so `atrium sandbox` and tests work from any working directory).
public enum SandboxFixtures {
    public static var directory: URL {
        if let configured = ProcessInfo.processInfo.environment["ATRIUM_FIXTURES_DIR"], !configured.isEmpty {
            return URL(fileURLWithPath: configured, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Kit
            .deletingLastPathComponent()  // Sandbox
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // checkout
            .appendingPathComponent("fixtures/upstream", isDirectory: true)
    }

    public enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case invalid(String, String)
        public var description: String {
            switch self {
            case .missing(let path): "fixture \(path) not found under \(SandboxFixtures.directory.path) (set ATRIUM_FIXTURES_DIR)"
            case .invalid(let path, let reason): "fixture \(path) is not valid JSON: \(reason)"
            }
        }
    }

    /// The bytes of `relativePath` (e.g. `stripe/invoice.json`).
    public static func data(_ relativePath: String) throws -> Data {
        let url = directory.appendingPathComponent(relativePath)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw Failure.missing(relativePath) }
        return data
    }

    /// `relativePath` parsed as JSON.
    public static func json(_ relativePath: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data(relativePath))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.invalid(relativePath, "\(error)")
        }
    }
}
