package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.PredictionLogStoreContract;

/** The prediction log contract on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresPredictionLogStoreIT extends PredictionLogStoreContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
