package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/**
 * How SQL failures are classified. The faults behind most of these states (a fail-over, a
 * serialization failure) cannot be caused on demand with H2, so the exceptions are built here;
 * refused connections and duplicates are exercised for real in the store tests.
 */
class DatabaseTest {

    private static MlopsException translate(SQLException e) {
        return Database.translate("do the thing with 'x'", "jdbc:h2:mem:t", e, 0);
    }

    @Test
    void connectionFailures_areRetryableStoreUnavailable() {
        assertThat(translate(new SQLException("connection reset", "08006")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("do the thing with 'x'").hasMessageContaining("08006");
        assertThat(translate(new SQLTransientConnectionException("mlops - Connection is not available, request timed out after 30000ms")))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("timed out after 30000ms");
        assertThat(translate(new SQLException("terminating connection due to administrator command", "57P01")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(new SQLException("wrapper", "HY000", new SQLException("refused", "08001"))))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(translate(new SQLException("connection reset", "08006")).retryable()).isTrue();
    }

    @Test
    void constraintAndLengthViolations_mapToTheirApiExceptions() {
        assertThat(translate(new SQLException("duplicate key", "23505"))).isInstanceOf(AlreadyExistsException.class);
        assertThat(translate(new SQLException("value too long", "22001"))).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void exhaustedRetries_areAConflict_namingTheAttempts() {
        MlopsException e = Database.translate("op", "d", new SQLException("could not serialize", "40001"), 5);

        assertThat(e).isInstanceOf(ConflictException.class).hasMessageContaining("after 5 attempts");
    }

    @Test
    void otherFailures_keepSqlStateAndCause_andAreNotRetryable() {
        SQLException cause = new SQLException("Table \"RUNS\" not found", "42S02", 42102);
        MlopsException e = translate(cause);

        assertThat(e.getClass()).isEqualTo(MlopsException.class);
        assertThat(e).hasMessageContaining("do the thing with 'x'").hasMessageContaining("jdbc:h2:mem:t")
                .hasMessageContaining("SQLState 42S02").hasMessageContaining("vendor code 42102").hasCause(cause);
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void batchFailure_quotingTheWholeStatement_isCutToBothEnds() {
        String statement = "Batch entry 1 INSERT INTO metrics VALUES " + "(('run'), ('k'), ('1.0'::double precision)),".repeat(5_000);
        SQLException e = new SQLException(statement + " was aborted: FATAL: terminating connection due to administrator command",
                "57P01");

        MlopsException translated = translate(e);

        assertThat(translated).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("Batch entry 1 INSERT INTO metrics")
                .hasMessageContaining("characters left out")
                .hasMessageContaining("terminating connection due to administrator command")
                .hasMessageContaining("SQLState 57P01");
        assertThat(translated.getMessage()).hasSizeLessThan(1_000);
    }

    @Test
    void interruptedWait_restoresTheInterruptFlag() {
        SQLException e = new SQLException("mlops - Interrupted during connection acquisition", new InterruptedException());
        try {
            assertThat(translate(e)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void checkViolation_isRecognisedByStateAndConstraintName_inEitherDatabasesWording() {
        String constraint = JdbcGovernance.FOUR_EYES_CONSTRAINT;
        SQLException postgres = new SQLException("ERROR: new row for relation \"model_versions\" violates check constraint"
                + " \"model_versions_four_eyes_ck\"", "23514");
        SQLException h2 = new SQLException("Check constraint violation: \"MODEL_VERSIONS_FOUR_EYES_CK: (DECIDED_BY IS NULL)"
                + "\"; SQL statement: UPDATE model_versions ...", "23513");
        SQLException otherCheck = new SQLException("violates check constraint \"model_versions_status_ck\"", "23514");
        SQLException sameNameOtherState = new SQLException("duplicate key near model_versions_four_eyes_ck", "23505");
        SQLException chained = new SQLException("batch aborted", "HY000");
        chained.setNextException(postgres);

        assertThat(Database.isCheckViolation(postgres, constraint)).isTrue();
        assertThat(Database.isCheckViolation(h2, constraint)).isTrue();
        assertThat(Database.isCheckViolation(chained, constraint)).isTrue();
        assertThat(Database.isCheckViolation(otherCheck, constraint)).isFalse();
        assertThat(Database.isCheckViolation(sameNameOtherState, constraint)).isFalse();
    }
}
