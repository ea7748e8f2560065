package io.mlops.api.spi;

/**
 * A tracking, registry and governance store in one, as a database provides it. Closing it releases
 * connections; it is then unusable.
 */
public interface MetadataStore extends TrackingStore, RegistryStore, GovernanceStore, PredictionLogStore, AutoCloseable {

    /** Where the store lives, with any password masked, for logs and messages. */
    String description();

    @Override
    void close();
}
