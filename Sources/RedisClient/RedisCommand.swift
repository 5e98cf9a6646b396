/// One Redis command: its name and arguments, binary-safe.
public struct RedisCommand: Sendable, Hashable {
    public var arguments: [[UInt8]]

    public init(_ name: String, _ arguments: any RESPArgument...) {
        self.arguments = [name.respBytes] + arguments.map(\.respBytes)
    }

    public init(_ name: String, arguments: [any RESPArgument]) {
        self.arguments = [name.respBytes] + arguments.map(\.respBytes)
    }

    public init(rawArguments: [[UInt8]]) {
        self.arguments = rawArguments
    }

    /// The command name, upper-cased, for logs and metrics (never the arguments, which may hold data).
    public var name: String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
    }
}
