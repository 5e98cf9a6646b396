import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print one JSON line of figures.",
        subcommands: [BenchRedis.self, BenchQueue.self, BenchSupplierFeed.self, BenchOrders.self]
    )
}
