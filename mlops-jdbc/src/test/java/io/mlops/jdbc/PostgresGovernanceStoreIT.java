package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.GovernanceStoreContract;

/** The governance contract on PostgreSQL; skipped without a server, see {@link PostgresDatabases}. */
class PostgresGovernanceStoreIT extends GovernanceStoreContract {

    @Override
    protected MetadataStore newStore() {
        return PostgresDatabases.newStore();
    }
}
