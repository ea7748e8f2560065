package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.Mlops;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Tracking;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batched logger while PostgreSQL becomes unreachable for real: every session of the test's
 * database is terminated and the database refuses connections for a few seconds, in the middle of
 * logging. Some batches fail before, some possibly after, their commit; the logger must retry until
 * the server is back and the store must keep every point exactly once.
 *
 * <p>Runs in a database of its own (closing it to connections would hit every other test), and
 * administers it from a session on the maintenance database, which the termination spares.
 */
class PostgresBatchedLoggingFaultIT {

    private static final int POINTS = 200_000;
    private static final int KEYS = 4;
    private static final Duration OUTAGE = Duration.ofSeconds(3);

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
    void batchedLogger_databaseCutOffWhileLogging_storesEveryPointExactlyOnce() throws Exception {
        BatchingOptions options = BatchingOptions.builder()
                .bufferCapacity(20_000)
                .maxBatchSize(1_000)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .closeTimeout(Duration.ofSeconds(60))
                .build();
        try (Mlops mlops = Mlops.builder().metadata(JdbcMetadataStore.open(PostgresDatabases.urlOf(database)))
                .artifacts("mem:").build();
             Connection admin = DriverManager.getConnection(PostgresDatabases.maintenanceUrl())) {
            Tracking tracking = mlops.tracking();
            ActiveRun run = tracking.startRun("fault");
            BatchedMetricLogger logger = tracking.batchedLogger(run.id(), options);
            AtomicLong logged = new AtomicLong();
            AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 0; i < POINTS; i++) {
                        logger.logMetric("k" + (i % KEYS), i, i / KEYS);
                        logged.incrementAndGet();
                    }
                } catch (Throwable e) {
                    producerFailure.set(e);
                }
            }, "fault-producer");
            producer.start();
            awaitLogged(logged, POINTS / 5);

            int terminated;
            long pendingWhileDown;
            long loggedWhileDown;
            try {
                execute(admin, "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
                terminated = PostgresDatabases.terminateSessions(admin, database);
                // The length of the outage is the fault itself, not a wait for a result.
                Thread.sleep(OUTAGE.toMillis());
                pendingWhileDown = logger.pending();
                loggedWhileDown = logged.get();
            } finally {
                execute(admin, "ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
            }
            long reopened = System.nanoTime();
            producer.join(Duration.ofSeconds(120).toMillis());
            assertThat(producer.isAlive()).as("producer still logging 120 s after the database reopened").isFalse();
            assertThat(producerFailure.get()).isNull();
            logger.close();
            long recoveredMillis = (System.nanoTime() - reopened) / 1_000_000;

            // The fault really hit the logging: sessions were killed, points were waiting, and
            // logging was still under way when the database went away.
            assertThat(terminated).isPositive();
            assertThat(pendingWhileDown).isPositive();
            assertThat(loggedWhileDown).isLessThan(POINTS);

            List<String> stored = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                for (Metric m : tracking.getMetricHistory(run.id(), "k" + k)) {
                    stored.add(m.key() + "@" + m.step());
                }
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < POINTS; i++) {
                expected.add("k" + (i % KEYS) + "@" + (i / KEYS));
            }
            assertThat(stored).hasSize(POINTS);
            assertThat(new HashSet<>(stored)).isEqualTo(expected);
            System.out.printf("fault test: %d session(s) terminated, %d point(s) pending during a %d ms outage,"
                    + " all %d stored %d ms after the database reopened%n",
                    terminated, pendingWhileDown, OUTAGE.toMillis(), POINTS, recoveredMillis);
            run.finish();
        }
    }

    private static void awaitLogged(AtomicLong logged, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (logged.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + logged.get() + " of " + count + " points logged after 60 s");
            }
            Thread.sleep(1);
        }
    }

    private static void execute(Connection admin, String sql) throws SQLException {
        // The database name is generated by PostgresDatabases, never input.
        try (Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }
}
