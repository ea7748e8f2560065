package io.mlops.api.spi;

import io.mlops.api.artifact.ArtifactStore;
import java.util.Map;

/**
 * Opens artifact stores for URIs of the schemes it supports ({@code file:}, {@code s3://}), found
 * through {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/io.mlops.api.spi.ArtifactStoreProvider}).
 */
public interface ArtifactStoreProvider {

    String name();

    boolean supports(String uri);

    ArtifactStore open(String uri, Map<String, String> options);
}
