package io.mlops.jdbc;

import java.util.UUID;

/** The JDBC store's own governance behaviour on in-memory H2, a fresh database per test. */
class H2JdbcGovernanceTest extends JdbcGovernanceKit {

    @Override
    protected String newDatabaseUrl() {
        return "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
