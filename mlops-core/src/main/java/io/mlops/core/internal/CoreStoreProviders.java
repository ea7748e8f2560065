package io.mlops.core.internal;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.spi.ArtifactStoreProvider;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.MetadataStoreProvider;
import io.mlops.stores.InMemoryArtifactStore;
import io.mlops.stores.InMemoryMetadataStore;
import io.mlops.stores.LocalArtifactStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** The providers the core brings: {@code mem:} for both stores and {@code file:} for artifacts. */
public final class CoreStoreProviders {

    private CoreStoreProviders() {
    }

    /** {@code mem:} metadata. */
    public static final class InMemoryMetadata implements MetadataStoreProvider {
        @Override
        public String name() {
            return "in-memory";
        }

        @Override
        public boolean supports(String uri) {
            return uri.equals("mem:");
        }

        @Override
        public MetadataStore open(String uri, Map<String, String> options) {
            return new InMemoryMetadataStore();
        }
    }

    /** {@code mem:} artifacts. */
    public static final class InMemoryArtifacts implements ArtifactStoreProvider {
        @Override
        public String name() {
            return "in-memory";
        }

        @Override
        public boolean supports(String uri) {
            return uri.equals("mem:");
        }

        @Override
        public ArtifactStore open(String uri, Map<String, String> options) {
            return new InMemoryArtifactStore();
        }
    }

    /** {@code file:/path} or {@code file:relative/path} artifacts. */
    public static final class LocalArtifacts implements ArtifactStoreProvider {
        @Override
        public String name() {
            return "local-file";
        }

        @Override
        public boolean supports(String uri) {
            return uri.startsWith("file:");
        }

        @Override
        public ArtifactStore open(String uri, Map<String, String> options) {
            Path root;
            try {
                root = uri.startsWith("file:/") ? Path.of(URI.create(uri)) : Path.of(uri.substring("file:".length()));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("artifact URI '" + uri
                        + "' is not a valid file URI; expected e.g. 'file:/var/mlops/artifacts' or 'file:artifacts'", e);
            }
            return LocalArtifactStore.open(root);
        }
    }
}
