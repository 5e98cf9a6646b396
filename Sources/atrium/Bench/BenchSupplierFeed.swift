import ArgumentParser
import BFF

/// `atrium bench supplier-feed`: streams a generated Heureka feed through the feed adapter; one JSON line.
struct BenchSupplierFeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supplier-feed",
        abstract: "Stream a generated supplier feed through the Heureka adapter; prints items/s and peak RSS.",
        discussion: "The sandbox generates the feed in-process on loopback; peak RSS (VmHWM) is the whole process's."
    )

    @Option(help: "Items in the generated feed.") var items: Int = 100_000

    func run() async throws {
        print(try await SupplierFeedBench.run(items: items))
    }
}
