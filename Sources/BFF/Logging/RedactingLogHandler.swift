public import Logging

/// Wraps another handler (the text format's `StreamLogHandler`) so its lines pass through ``LogRedaction``.
///
/// Holds the logger's metadata and metadata provider itself, so that they are redacted too before the wrapped
/// handler sees them (the wrapped handler's own metadata stays empty).
public struct RedactingLogHandler<Wrapped: LogHandler>: LogHandler {
    private var wrapped: Wrapped
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
        self.metadataProvider = wrapped.metadataProvider
        // Only handlers that have a provider support setting one (others log a warning when it is set).
        if wrapped.metadataProvider != nil { self.wrapped.metadataProvider = nil }
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        var redacted = event
        redacted.message = Logger.Message(stringLiteral: LogRedaction.redact("\(event.message)"))
        redacted.metadata = LogRedaction.redact(merged)
        if let error = event.error { redacted.metadata?["error"] = .string(LogRedaction.redact("\(error)")) }
        redacted.error = nil
        wrapped.log(event: redacted)
    }
}
