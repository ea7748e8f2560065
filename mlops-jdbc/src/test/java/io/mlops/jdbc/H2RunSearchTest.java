package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.RunSearchContract;
import java.util.Map;
import java.util.UUID;

/** The run search contract on an in-memory H2 database, a fresh one per test. */
class H2RunSearchTest extends RunSearchContract {

    @Override
    protected MetadataStore newStore() {
        return JdbcMetadataStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Map.of());
    }
}
