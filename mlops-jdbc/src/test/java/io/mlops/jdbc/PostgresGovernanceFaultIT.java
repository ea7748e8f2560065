package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.StoreUnavailableException;
import io.mlops.api.governance.AuditEntry;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.spi.AuditAppender;
import io.mlops.api.spi.StatusChange;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A governance change whose connection dies in the middle of its transaction, for real: while core
 * seals the audit entry (the status is already updated and the transition inserted, the chain's
 * head is locked), every session of the test's database is terminated. Nothing of the change may
 * remain, and the chain must continue where it was.
 *
 * <p>Runs in a database of its own, administered from the maintenance database, as
 * {@link PostgresBatchedLoggingFaultIT} does.
 */
class PostgresGovernanceFaultIT {

    private String database;

    @BeforeEach
    void createDatabase() {
        database = PostgresDatabases.newDatabase();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            PostgresDatabases.dropDatabase(database);
        }
    }

    @Test
    void changeStatus_connectionKilledWhileTheAuditEntryIsSealed_leavesNothingBehind() throws Exception {
        String url = PostgresDatabases.urlOf(database);
        StatusChange request = new StatusChange("credit-risk", 1, ModelVersionStatus.NEW,
                ModelVersionStatus.PENDING_APPROVAL, "bob", 100L, "AUC 0.81", Set.of());
        AuditAppender honest = TestAudit.appender("bob", "governance.requestApproval", "models:/credit-risk/1");
        AtomicInteger terminated = new AtomicInteger();
        try (JdbcMetadataStore store = JdbcMetadataStore.open(url);
             Connection admin = DriverManager.getConnection(PostgresDatabases.maintenanceUrl())) {
            store.createModel("credit-risk", "", Map.of(), 1L);
            store.createVersion(new ModelVersion("credit-risk", 0, "", "models/m.onnx", "ab".repeat(32), 10L, "onnx",
                    ModelSignature.EMPTY, "", Map.of(), ModelVersionStatus.NEW, "alice", 5L), null);
            AuditAppender killing = (seq, previousHash) -> {
                try {
                    terminated.set(PostgresDatabases.terminateSessions(admin, database));
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot terminate the sessions of " + database, e);
                }
                return honest.next(seq, previousHash);
            };

            assertThatThrownBy(() -> store.changeStatus(request, killing))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("change the status of version 1 of model 'credit-risk'");
        }
        assertThat(terminated.get()).as("sessions terminated mid-transaction").isPositive();

        try (JdbcMetadataStore reopened = JdbcMetadataStore.open(url)) {
            assertThat(reopened.findVersion("credit-risk", 1).orElseThrow().status()).isEqualTo(ModelVersionStatus.NEW);
            assertThat(reopened.listTransitions("credit-risk", 1)).isEmpty();
            assertThat(reopened.lastAudit()).isEmpty();

            reopened.changeStatus(request, honest);

            AuditEntry first = reopened.lastAudit().orElseThrow();
            assertThat(first.seq()).isEqualTo(1);
            assertThat(first.previousHash()).isEqualTo(AuditEntry.GENESIS_HASH);
            assertThat(reopened.listTransitions("credit-risk", 1)).hasSize(1);
        }
    }
}
