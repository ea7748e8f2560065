package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.TrackingStoreContract;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** The tracking contract on PostgreSQL; runs only when a server is given, see {@link PostgresDatabases}. */
@EnabledIfSystemProperty(named = PostgresDatabases.URL_PROPERTY, matches = "jdbc:postgresql:.+")
class PostgresTrackingStoreIT extends TrackingStoreContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
