/// A configuration value that stops the process at start.
///
/// The message names the variable and what is wrong, and never repeats a value that could be secret.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public let variable: String
    public let problem: String

    public init(_ variable: String, _ problem: String) {
        self.variable = variable
        self.problem = problem
    }

    /// One line, e.g. `ATRIUM_PORT: 'abc' is not a port number (expected an integer from 0 to 65535)`.
    public var description: String { "\(variable): \(problem)" }
}
