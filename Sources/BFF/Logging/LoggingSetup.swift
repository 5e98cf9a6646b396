import Logging

extension AtriumConfig {
    /// Installs the process-wide log handler; call once, from `main`, before any logger is made.
    ///
    /// Both formats redact their lines (``LogRedaction``).
    public func bootstrapLogging() {
        let level = logLevel
        // Every line made inside a span (a request, an upstream call, a job run) carries its trace_id and span_id.
        switch logFormat {
        case .json:
            LoggingSystem.bootstrap({ label, provider in
                var handler = JSONLogHandler(label: label, level: level)
                handler.metadataProvider = provider
                return handler
            }, metadataProvider: traceLogMetadataProvider)
        case .text:
            LoggingSystem.bootstrap({ label, provider in
                var handler = StreamLogHandler.standardOutput(label: label, metadataProvider: provider)
                handler.logLevel = level
                return RedactingLogHandler(handler)
            }, metadataProvider: traceLogMetadataProvider)
        }
    }
}
