package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import java.util.Map;

/** The public API's races on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresConcurrencyIT extends PublicApiConcurrencyKit {

    @Override
    protected MetadataStore newStore() {
        // More connections than racing threads, so that the race is in the database, not the pool.
        return JdbcMetadataStore.open(PostgresDatabases.newSchemaUrl(), Map.of("maximumPoolSize", "20"));
    }
}
