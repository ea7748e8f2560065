package io.mlops.jdbc;

import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.MetadataStoreProvider;
import java.util.Map;

/**
 * Opens {@link JdbcMetadataStore}s for {@code jdbc:h2:…} and {@code jdbc:postgresql:…} URLs when
 * the SDK looks metadata stores up through {@link java.util.ServiceLoader}. Applications that wire
 * stores explicitly call {@link JdbcMetadataStore#open(String, Map)} instead.
 *
 * <pre>{@code
 * MetadataStoreProvider jdbc = new JdbcMetadataStoreProvider();
 * if (jdbc.supports(url)) {
 *     MetadataStore store = jdbc.open(url, Map.of("user", "mlops", "password", secret));
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe; see {@link JdbcMetadataStore} for the options.
 */
public final class JdbcMetadataStoreProvider implements MetadataStoreProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} needs a public no-argument constructor. */
    public JdbcMetadataStoreProvider() {
    }

    /** @return {@code jdbc} */
    @Override
    public String name() {
        return "jdbc";
    }

    /** Whether {@code uri} is an H2 or PostgreSQL JDBC URL (prefix compared ignoring case). */
    @Override
    public boolean supports(String uri) {
        return Dialect.forUrl(uri).isPresent();
    }

    /** @see JdbcMetadataStore#open(String, Map) */
    @Override
    public MetadataStore open(String uri, Map<String, String> options) {
        return JdbcMetadataStore.open(uri, options);
    }
}
