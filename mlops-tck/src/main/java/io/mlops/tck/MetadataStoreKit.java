package io.mlops.tck;

import io.mlops.api.spi.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store lifecycle the metadata contract kits share: a fresh, empty store from
 * {@link #newStore()} before each test, closed after it.
 */
public abstract class MetadataStoreKit {

    protected MetadataStore store;

    /** A fresh, empty store; may abort the test (JUnit assumptions) when its server is not configured. */
    protected abstract MetadataStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (store != null) {
            store.close();
        }
    }
}
