package io.mlops.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What differs between the supported databases. Everything else (schema, queries) is written once
 * in SQL that both accept, so adding a database means adding a constant here and a migration
 * folder, not another store.
 */
enum Dialect {

    /** H2 2.x in its default mode; no {@code MODE=} setting is needed or assumed. */
    H2("jdbc:h2:", "h2") {
        @Override
        String upsert(String table, List<String> columns, List<String> keys) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keys)
                    + ") VALUES (" + placeholders(columns.size()) + ")";
        }

        @Override
        String insertIfAbsent(String table, List<String> columns, List<String> keys) {
            // H2 only accepts ON CONFLICT in PostgreSQL mode; this form works in every mode.
            String match = keys.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT " + placeholders(columns.size())
                    + " FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + match + ")";
        }

        @Override
        Object[] insertIfAbsentArguments(List<String> columns, List<String> keys, Object[] values) {
            Object[] all = Arrays.copyOf(values, values.length + keys.size());
            for (int i = 0; i < keys.size(); i++) {
                all[values.length + i] = values[columns.indexOf(keys.get(i))];
            }
            return all;
        }

        @Override
        void configure(HikariConfig config, String jdbcUrl) {
            // H2 waits only 1 s for a row lock by default; writers that serialize on a row (version
            // numbers, metric logging) can queue longer than that under load. A URL setting wins.
            if (!jdbcUrl.toUpperCase(Locale.ROOT).contains("LOCK_TIMEOUT")) {
                config.setConnectionInitSql("SET LOCK_TIMEOUT 10000");
            }
        }
    },

    POSTGRESQL("jdbc:postgresql:", "postgresql") {
        @Override
        String upsert(String table, List<String> columns, List<String> keys) {
            String updates = columns.stream().filter(c -> !keys.contains(c))
                    .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns.size())
                    + ") ON CONFLICT (" + String.join(", ", keys) + ") DO UPDATE SET " + updates;
        }

        @Override
        String insertIfAbsent(String table, List<String> columns, List<String> keys) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns.size())
                    + ") ON CONFLICT (" + String.join(", ", keys) + ") DO NOTHING";
        }

        @Override
        Object[] insertIfAbsentArguments(List<String> columns, List<String> keys, Object[] values) {
            return values;
        }

        @Override
        void configure(HikariConfig config, String jdbcUrl) {
            // The driver then sends a batch as multi-row INSERTs: 178k instead of 114k points/s.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            // The server's error detail quotes the offending row ("Key (run_id, param_key)=(…)"), and
            // param or tag values do not belong in exception messages and logs.
            config.addDataSourceProperty("logServerErrorDetail", "false");
        }
    };

    private final String urlPrefix;
    private final String migrationFolder;

    Dialect(String urlPrefix, String migrationFolder) {
        this.urlPrefix = urlPrefix;
        this.migrationFolder = migrationFolder;
    }

    /** The dialect of a JDBC URL, or empty if the URL is for a database this module does not support. */
    static Optional<Dialect> forUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            return Optional.empty();
        }
        for (Dialect d : values()) {
            if (jdbcUrl.regionMatches(true, 0, d.urlPrefix, 0, d.urlPrefix.length())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    static String supportedPrefixes() {
        return Arrays.stream(values()).map(d -> "'" + d.urlPrefix + "'").collect(Collectors.joining(" or "));
    }

    /** Flyway locations: the shared scripts, then this database's own. */
    String[] migrationLocations() {
        return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + migrationFolder};
    }

    /** Inserts a row, or updates the non-key columns of the row with the same key. */
    abstract String upsert(String table, List<String> columns, List<String> keys);

    /** Inserts a row unless one with the same key exists; the update count says which happened. */
    abstract String insertIfAbsent(String table, List<String> columns, List<String> keys);

    /** The arguments for {@link #insertIfAbsent}, given the values of {@code columns} in order. */
    abstract Object[] insertIfAbsentArguments(List<String> columns, List<String> keys, Object[] values);

    /** Database-specific pool settings. */
    abstract void configure(HikariConfig config, String jdbcUrl);

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
