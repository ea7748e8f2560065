package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.MetadataStoreProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JdbcMetadataStoreProviderTest {

    private final MetadataStoreProvider provider = new JdbcMetadataStoreProvider();

    @Test
    void isRegisteredForServiceLoader() {
        List<MetadataStoreProvider> found = ServiceLoader.load(MetadataStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();

        assertThat(found).filteredOn(p -> p instanceof JdbcMetadataStoreProvider).hasSize(1)
                .allSatisfy(p -> assertThat(p.name()).isEqualTo("jdbc"));
    }

    @Test
    void supports_h2AndPostgresqlUrlsOnly() {
        assertThat(provider.supports("jdbc:h2:mem:x")).isTrue();
        assertThat(provider.supports("jdbc:h2:file:./mlops/metadata")).isTrue();
        assertThat(provider.supports("JDBC:H2:mem:x")).isTrue();
        assertThat(provider.supports("jdbc:postgresql://db:5432/mlops")).isTrue();

        assertThat(provider.supports("jdbc:mysql://db/mlops")).isFalse();
        assertThat(provider.supports("jdbc:h2")).isFalse();
        assertThat(provider.supports("s3://bucket/prefix")).isFalse();
        assertThat(provider.supports("")).isFalse();
        assertThat(provider.supports(null)).isFalse();
    }

    @Test
    void open_h2Url_givesAWorkingJdbcStore() {
        String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (MetadataStore store = provider.open(url, Map.of("maximumPoolSize", "2"))) {
            store.createExperiment("e1", "via-provider", Map.of(), 1L);

            assertThat(store).isInstanceOf(JdbcMetadataStore.class);
            assertThat(store.description()).isEqualTo(url);
            assertThat(store.findExperimentByName("via-provider")).isPresent();
        }
    }

    @Test
    void open_unsupportedUrl_namesItAndTheSupportedPrefixes() {
        assertThatThrownBy(() -> provider.open("jdbc:sqlite:/tmp/x.db", Map.of()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'jdbc:sqlite:/tmp/x.db'")
                .hasMessageContaining("'jdbc:h2:' or 'jdbc:postgresql:'");
    }
}
