/// One Redis command: its name and arguments, binary-safe.
public struct RedisCommand: Sendable, Hashable {
    public var arguments: [[UInt8]]

    public init(_ name: String, _ arguments: any RESPArgument...) {
        self.init(name, arguments: arguments)
    }

    public init(_ name: String, arguments: [any RESPArgument]) {
        var all: [[UInt8]] = []
        all.reserveCapacity(arguments.count + 1)
        all.append(name.respBytes)
        for argument in arguments { all.append(argument.respBytes) }
        self.arguments = all
    }

    public init(rawArguments: [[UInt8]]) {
        self.arguments = rawArguments
    }

    /// The command name, upper-cased, for logs and metrics (never the arguments, which may hold data).
    public var name: String {
        arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? ""
    }
}
