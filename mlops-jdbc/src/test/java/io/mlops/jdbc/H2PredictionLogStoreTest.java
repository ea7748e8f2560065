package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.PredictionLogStoreContract;
import java.util.Map;
import java.util.UUID;

/** The prediction log contract on an in-memory H2 database, a fresh one per test. */
class H2PredictionLogStoreTest extends PredictionLogStoreContract {

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Map.of());
    }
}
