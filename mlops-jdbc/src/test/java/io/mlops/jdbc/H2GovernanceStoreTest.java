package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.GovernanceStoreContract;
import java.util.Map;
import java.util.UUID;

/** The governance contract on an in-memory H2 database, a fresh one per test. */
class H2GovernanceStoreTest extends GovernanceStoreContract {

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Map.of());
    }
}
