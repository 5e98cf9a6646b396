import BFF
import Testing

@Suite("Cache keys, tags and policies")
struct CacheKeyTests {
    @Test func keysCarryVersionTenantCustomerAndResource() {
        let key = CacheKey(scope: .customer(tenant: "acme", customer: "cus_42"), resource: .invoices, discriminator: "status=open&limit=20")
        #expect(key.rawValue == "atrium:cache:v1:{acme:c:cus_42}:invoices@1:status=open&limit=20")
        let global = CacheKey(scope: .global(tenant: "acme"), resource: .catalog)
        #expect(global.rawValue == "atrium:cache:v1:{acme:global}:catalog@1:all")
    }

    @Test func tagsShareTheirScopesHashTag() {
        let scope = CacheScope.customer(tenant: "acme", customer: "cus_42")
        #expect(CacheTag(scope: scope, name: "invoices").rawValue == "atrium:cache:v1:{acme:c:cus_42}:tag:invoices")
        #expect(CacheTag.all(scope).rawValue == "atrium:cache:v1:{acme:c:cus_42}:tag:%2A")
    }

    @Test func designDefaults() {
        let policies = CachePolicies()
        #expect(policies[.invoices].ttl == .seconds(90))
        #expect(policies[.subscriptions].ttl == .seconds(120))
        #expect(policies[.simDetails].ttl == .seconds(60))
        #expect(policies[.simUsage].ttl == .seconds(30))
        #expect(policies[.cases].ttl == .seconds(45))
        #expect(policies[.catalog].ttl == .seconds(600))
        #expect(policies[.profile].ttl == .seconds(300))
        #expect(policies[.catalog].staleIfError == .seconds(3600))
        #expect(policies[.simUsage].staleIfError == .seconds(300))
    }
}
