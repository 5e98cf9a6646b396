import Logging

extension AtriumConfig {
    /// Installs the process-wide log handler; call once, from `main`, before any logger is made.
    ///
    /// Both formats redact their lines (``LogRedaction``).
    public func bootstrapLogging() {
        let level = logLevel
        switch logFormat {
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return RedactingLogHandler(handler)
            }
        }
    }
}
