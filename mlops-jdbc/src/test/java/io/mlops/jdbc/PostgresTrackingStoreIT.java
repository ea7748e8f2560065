package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.TrackingStoreContract;

/** The tracking contract on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresTrackingStoreIT extends TrackingStoreContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
