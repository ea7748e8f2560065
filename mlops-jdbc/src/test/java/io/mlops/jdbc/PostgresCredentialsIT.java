package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.MlopsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A refused or unreachable PostgreSQL login must not put the password into the exception, its
 * causes, or the description of the store: messages end up in logs and tickets.
 */
class PostgresCredentialsIT {

    private static final String SECRET = "s3cr3t-hunter2-do-not-log";

    @Test
    void wrongPassword_failsNamingTheServer_butNeverThePassword() {
        String base = PostgresDatabases.url().replaceAll("[?&]password=[^&]*", "").replaceAll("[?&]user=[^&]*", "");

        assertThatThrownBy(() -> Mlops.builder().metadata(base, Map.of("user", "mlops", "password", SECRET))
                .artifacts("mem:").build())
                .isInstanceOf(MlopsException.class)
                .satisfies(e -> assertNoSecretAnywhere(e))
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void passwordInTheUrl_ofAnUnreachableServer_isMaskedInTheFailure() {
        String url = "jdbc:postgresql://127.0.0.1:1/mlops?user=mlops&password=" + SECRET + "&connectTimeout=2";

        assertThatThrownBy(() -> Mlops.builder().metadata(url).artifacts("mem:").build())
                .isInstanceOf(MlopsException.class)
                .satisfies(e -> assertNoSecretAnywhere(e))
                .hasMessageContaining("127.0.0.1:1");
    }

    private static void assertNoSecretAnywhere(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass().getName()).doesNotContain(SECRET);
            assertThat(t.toString()).doesNotContain(SECRET);
            for (Throwable s : t.getSuppressed()) {
                assertThat(String.valueOf(s.getMessage())).doesNotContain(SECRET);
            }
        }
    }
}
