package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {

    @Test
    void mask_hidesPasswordsInEveryUrlForm() {
        assertThat(StoreSettings.mask("jdbc:h2:file:/x;USER=sa;PASSWORD=abc;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:/x;USER=sa;PASSWORD=****;MODE=PostgreSQL");
        assertThat(StoreSettings.mask("jdbc:postgresql://db:5432/mlops?user=u&password=abc&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/mlops?user=u&password=****&ssl=true");
        assertThat(StoreSettings.mask("jdbc:postgresql://u:abc@db/mlops")).isEqualTo("jdbc:postgresql://u:****@db/mlops");
        assertThat(StoreSettings.mask("jdbc:h2:mem:plain")).isEqualTo("jdbc:h2:mem:plain");
    }

    @Test
    void passwordInUrl_isMovedOutOfTheUrl() {
        StoreSettings h2 = StoreSettings.of("jdbc:h2:mem:x;PASSWORD=p1;DB_CLOSE_DELAY=-1", Map.of());
        assertThat(h2.jdbcUrl()).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
        assertThat(h2.password()).isEqualTo("p1");

        StoreSettings pgFirst = StoreSettings.of("jdbc:postgresql://db/m?password=p%40ss&ssl=true", Map.of());
        assertThat(pgFirst.jdbcUrl()).isEqualTo("jdbc:postgresql://db/m?ssl=true");
        assertThat(pgFirst.password()).as("URL-decoded, as the driver would").isEqualTo("p@ss");

        StoreSettings pgLast = StoreSettings.of("jdbc:postgresql://db/m?ssl=true&password=p2", Map.of());
        assertThat(pgLast.jdbcUrl()).isEqualTo("jdbc:postgresql://db/m?ssl=true");
        assertThat(pgLast.password()).isEqualTo("p2");

        StoreSettings pgOnly = StoreSettings.of("jdbc:postgresql://db/m?password=p3", Map.of());
        assertThat(pgOnly.jdbcUrl()).isEqualTo("jdbc:postgresql://db/m");
    }

    @Test
    void defaults_andToStringMasksThePassword() {
        StoreSettings s = StoreSettings.of("jdbc:h2:mem:x", Map.of("user", "sa", "password", "hunter2"));

        assertThat(s.maximumPoolSize()).isEqualTo(StoreSettings.DEFAULT_MAXIMUM_POOL_SIZE);
        assertThat(s.dialect()).isEqualTo(Dialect.H2);
        assertThat(s.toString()).contains("user=sa").contains("password=****").doesNotContain("hunter2");
    }

    @Test
    void invalidSettings_areReportedAllAtOnce_withTheOffendingValues() {
        assertThatThrownBy(() -> StoreSettings.of("jdbc:mysql://db/m?password=hunter2",
                Map.of("maximumPoolSize", "lots", "poolsize", "3")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'jdbc:mysql://db/m?password=****' is not supported")
                .hasMessageContaining("'jdbc:h2:' or 'jdbc:postgresql:'")
                .hasMessageContaining("unknown option(s) [poolsize]")
                .hasMessageContaining("maximumPoolSize 'lots' is not a whole number")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> StoreSettings.of("jdbc:h2:mem:x", Map.of("maximumPoolSize", "0")))
                .hasMessageContaining("maximumPoolSize 0 is outside 1..1000");
    }

    @Test
    void passwordInBothUrlAndOptions_isRejected() {
        assertThatThrownBy(() -> StoreSettings.of("jdbc:h2:mem:x;PASSWORD=a", Map.of("password", "b")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("both in the URL and in option 'password'");
    }
}
