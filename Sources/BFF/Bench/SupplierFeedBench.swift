import Foundation
import Logging
import Providers
import Sandbox

/// `atrium bench supplier-feed`: streams a generated Heureka feed through ``HeurekaFeedSupplier`` and reports
/// throughput and peak memory.
///
/// A ``SupplierSandbox`` runs in-process on loopback and generates the feed as it is read (one malformed item in a
/// thousand, so invalid items are reported on the way); the adapter downloads, parses and maps it item by item.
public enum SupplierFeedBench {
    /// Every this many items one is malformed.
    public static let invalidEvery = 1_000

    /// Streams `items` generated items and measures.
    ///
    /// - Parameter items: The size of the generated feed.
    /// - Returns: One JSON line: `{"items":…,"invalid":…,"seconds":…,"items_per_s":…,"peak_rss_mb":…}` — `items` is
    ///   every item read (offers and invalid ones), `invalid` the malformed ones among them, `peak_rss_mb` the
    ///   process's peak resident set (`VmHWM` of `/proc/self/status`; process-wide, so the in-process sandbox that
    ///   generates the feed is included; `null` where `/proc` does not exist).
    /// - Throws: When the sandbox cannot start or the stream fails.
    public static func run(items: Int) async throws -> String {
        var quiet = Logger(label: "atrium.bench.supplier-feed")
        quiet.logLevel = .critical
        let sandbox = try SupplierSandbox(control: SandboxControl(callLimit: 100))
        let server = try await SandboxServer.start(sandbox, logger: quiet)
        do {
            let line = try await measure(server: server, items: max(0, items))
            await server.stop()
            return line
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func measure(server: SandboxServer, items: Int) async throws -> String {
        var configuration = TransportConfiguration(baseURL: server.baseURL)
        configuration.deadline = .seconds(30)
        let supplier = HeurekaFeedSupplier(
            configuration: configuration,
            feed: HeurekaFeedSettings(
                supplierID: "bench",
                productFeedPath: "/feeds/generated.xml?items=\(items)&seed=1&invalid_every=\(invalidEvery)"
            ),
            logger: Logger(label: "atrium.bench.supplier-feed")
        )
        let clock = ContinuousClock()
        let start = clock.now
        var read = 0
        var invalid = 0
        for try await entry in supplier.items() {
            read += 1
            if case .invalid = entry { invalid += 1 }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perSecond = seconds > 0 ? Int((Double(read) / seconds).rounded()) : 0
        let rss = peakResidentMegabytes().map { String(format: "%.1f", $0) } ?? "null"
        return #"{"items":\#(read),"invalid":\#(invalid),"seconds":\#(String(format: "%.3f", seconds)),"#
            + #""items_per_s":\#(perSecond),"peak_rss_mb":\#(rss)}"#
    }

    /// `VmHWM` (the peak resident set size) of this process in MiB, from `/proc/self/status`.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.dropFirst("VmHWM:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) }
            return kilobytes.map { $0 / 1024 }
        }
        return nil
    }
}
