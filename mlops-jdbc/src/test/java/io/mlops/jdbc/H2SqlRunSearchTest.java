package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import java.util.Map;
import java.util.UUID;

/** Injection and differential run search tests on an in-memory H2 database. */
class H2SqlRunSearchTest extends SqlRunSearchTests {

    @Override
    MetadataStore newStore() {
        return JdbcMetadataStore.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Map.of());
    }
}
