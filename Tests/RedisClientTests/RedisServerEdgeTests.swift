import NIOCore
import NIOPosix
import RedisClient
import TestSupport
import Testing

/// Authentication, streams, and a server that speaks garbage.
@Suite("Redis client edge cases")
struct RedisServerEdgeTests {
    @Test func authenticatesWithPasswordAndWithACLUser() async throws {
        let server = try RedisServerProcess(extraArguments: ["--requirepass", "default-secret"])
        try server.start()
        defer { server.kill() }
        let admin = RedisPool(configuration: try RedisConfiguration(url: "redis://:default-secret@127.0.0.1:\(server.port)"))
        #expect(try await admin.send("PING") == .simpleString("PONG"))
        try await admin.send("ACL", "SETUSER", "atrium", "on", ">user-secret", "~*", "+@all")

        let user = RedisPool(configuration: try RedisConfiguration(url: "redis://atrium:user-secret@127.0.0.1:\(server.port)/3"))
        #expect(try await user.send("ACL", "WHOAMI").string == "atrium")
        #expect(try await user.send("CLIENT", "INFO").string?.contains(" db=3 ") == true)

        let anonymous = RedisPool(configuration: RedisConfiguration(host: "127.0.0.1", port: server.port, poolSize: 1))
        let error = await #expect(throws: RedisError.self) { try await anonymous.send("GET", "x") }
        // Without AUTH the connection opens, and the command itself is refused by the server.
        #expect(error?.serverErrorPrefix == "NOAUTH")
        for pool in [admin, user, anonymous] { await pool.close() }
    }

    @Test func streamsWithBlockingGroupReads() async throws {
        let pool = try TestEnv.redisPool()
        let stream = "\(TestEnv.uniquePrefix()):stream"
        try await pool.send("XGROUP", "CREATE", stream, "workers", "$", "MKSTREAM")
        let reader = Task {
            try await pool.sendBlocking(
                RedisCommand("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "1", "BLOCK", "5000", "STREAMS", stream, ">"),
                blockFor: .seconds(5)
            )
        }
        try await Task.sleep(for: .milliseconds(50))
        try await pool.send("XADD", stream, "*", "order", "o-1")
        let reply = try await reader.value
        // [[stream, [[id, [field, value]]]]]
        let entry = reply.array?.first?.array?.last?.array?.first?.array?.last
        #expect(entry == .array([.bulkString(Array("order".utf8)), .bulkString(Array("o-1".utf8))]))
        try await pool.send("DEL", stream)
        await pool.close()
    }

    /// A "server" that answers every command with bytes that are not RESP.
    @Test func malformedReplyClosesTheConnectionAndTheProcessCarriesOn() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(GarbageReplier())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let pool = RedisPool(configuration: RedisConfiguration(host: "127.0.0.1", port: port, poolSize: 1))
        let first = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(first?.code == .protocolError)
        // The broken connection was closed; the next command opens a new one (and fails the same typed way).
        let second = await #expect(throws: RedisError.self) { try await pool.send("PING") }
        #expect(second?.code == .protocolError)
        await pool.close()
        try await server.close()
    }
}

private final class GarbageReplier: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "?this is not RESP\r\n")), promise: nil)
    }
}
