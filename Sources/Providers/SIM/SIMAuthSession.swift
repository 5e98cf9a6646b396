/// An `authKey` the platform issued and how long it is valid.
package struct SIMPlatformAuthKey: Sendable, Hashable {
    package let value: String
    package let lifetime: Duration

    package init(value: String, lifetime: Duration) {
        self.value = value
        self.lifetime = lifetime
    }
}

/// The cached `authKey` of one adapter: fetched lazily, shared by concurrent callers (one `authOem` call at a
/// time), renewed shortly before it expires and dropped when the platform calls it expired (`210`).
actor SIMAuthSession {
    private var current: (key: String, renewAt: ContinuousClock.Instant)?
    private var pending: Task<Result<SIMPlatformAuthKey, ProviderError>, Never>?

    /// The cached key, or a new one from `fetch` when there is none or it is about to expire.
    ///
    /// Concurrent callers without a key wait for the same `fetch`.
    func key(fetch: @escaping @Sendable () async throws(ProviderError) -> SIMPlatformAuthKey) async throws(ProviderError) -> String {
        let now = ContinuousClock.now
        if let current, now < current.renewAt { return current.key }
        let task: Task<Result<SIMPlatformAuthKey, ProviderError>, Never>
        if let pending {
            task = pending
        } else {
            task = Task {
                do throws(ProviderError) {
                    return .success(try await fetch())
                } catch {
                    return .failure(error)
                }
            }
            pending = task
        }
        let result = await task.value
        if pending == task { pending = nil }
        switch result {
        case .success(let key):
            // Renew a little early so a key never expires between our check and the platform's.
            let margin = min(Duration.seconds(30), key.lifetime / 10)
            current = (key.value, now + key.lifetime - margin)
            return key.value
        case .failure(let error):
            throw error
        }
    }

    /// Forgets `key` if it is still the cached one (another caller may have renewed it already).
    func invalidate(_ key: String) {
        if current?.key == key { current = nil }
    }
}
