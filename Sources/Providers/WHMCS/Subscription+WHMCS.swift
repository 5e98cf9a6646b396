import Domain

extension Subscription {
    /// Maps a `GetClientsProducts` service; `currency` is the client's.
    ///
    /// `Completed` (a one-time or fixed-term service that ran its course) maps to `terminated`. A `Free Account`
    /// has no recurring amount and maps to the one-time interval (Domain has no "free" interval); `One Time`
    /// services have no recurring amount either. The service is paid up to its next due date, which is also the
    /// end of the current period.
    /// - Throws: `invalidPayload` for an amount that does not fit the currency.
    init(whmcs service: WHMCSService, currency: Currency) throws(ProviderError) {
        let interval = BillingInterval(whmcs: service.billingcycle)
        let recurring: Money?
        switch service.billingcycle {
        case .free, .onetime: recurring = nil
        default: recurring = try service.recurringamount.money(currency)
        }
        let nextDue = service.nextduedate?.date
        self.init(
            id: service.id.value,
            customerID: service.clientid.value,
            productName: WHMCSMapping.nonEmpty(service.translatedName) ?? service.name,
            productID: service.pid?.nonZero,
            status: SubscriptionStatus(whmcs: service.status),
            interval: interval,
            recurringAmount: recurring,
            quantity: max(1, service.qty?.value ?? 1),
            startedAt: service.regdate?.date,
            currentPeriodEnd: recurring == nil ? nil : nextDue,
            nextDueAt: nextDue,
            label: WHMCSMapping.nonEmpty(service.domain)
        )
    }
}

extension SubscriptionStatus {
    init(whmcs status: WHMCSServiceStatus) {
        switch status {
        case .pending: self = .pending
        case .active: self = .active
        case .suspended: self = .suspended
        case .terminated, .completed: self = .terminated
        case .cancelled: self = .cancelled
        case .fraud: self = .fraud
        }
    }
}

extension BillingInterval {
    init(whmcs cycle: WHMCSBillingCycle) {
        switch cycle {
        case .free, .onetime: self = .oneTime
        case .monthly: self = .monthly
        case .quarterly: self = .quarterly
        case .semiannually: self = .semiAnnually
        case .annually: self = .annually
        case .biennially: self = .biennially
        case .triennially: self = .triennially
        }
    }
}

extension WHMCSBillingCycle {
    /// The cycle AddOrder takes for `interval`; `nil` for weekly, which WHMCS does not bill.
    init?(interval: BillingInterval) {
        switch interval {
        case .oneTime: self = .onetime
        case .weekly: return nil
        case .monthly: self = .monthly
        case .quarterly: self = .quarterly
        case .semiAnnually: self = .semiannually
        case .annually: self = .annually
        case .biennially: self = .biennially
        case .triennially: self = .triennially
        }
    }
}
