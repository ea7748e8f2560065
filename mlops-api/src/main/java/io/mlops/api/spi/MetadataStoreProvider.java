package io.mlops.api.spi;

import java.util.Map;

/**
 * Opens metadata stores for URIs of the schemes it supports, found through
 * {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/io.mlops.api.spi.MetadataStoreProvider}).
 */
public interface MetadataStoreProvider {

    /** Short name for messages, for example {@code jdbc}. */
    String name();

    /** Whether this provider opens {@code uri}, for example {@code jdbc:h2:…}. */
    boolean supports(String uri);

    /**
     * Opens (and, where needed, creates or migrates) the store.
     *
     * @param options provider-specific settings such as {@code user} and {@code password}
     */
    MetadataStore open(String uri, Map<String, String> options);
}
