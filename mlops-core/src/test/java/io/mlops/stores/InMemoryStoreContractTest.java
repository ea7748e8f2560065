package io.mlops.stores;

import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.spi.MetadataStore;
import io.mlops.tck.ArtifactStoreContract;
import io.mlops.tck.GovernanceStoreContract;
import io.mlops.tck.PredictionLogStoreContract;
import io.mlops.tck.RegistryStoreContract;
import io.mlops.tck.RunSearchContract;
import io.mlops.tck.TrackingStoreContract;
import org.junit.jupiter.api.Nested;

/** The in-memory stores against the shared contract kits. */
class InMemoryStoreContractTest {

    @Nested
    class Tracking extends TrackingStoreContract {
        @Override
        protected MetadataStore newStore() {
            return new InMemoryMetadataStore();
        }
    }

    @Nested
    class RunSearch extends RunSearchContract {
        @Override
        protected MetadataStore newStore() {
            return new InMemoryMetadataStore();
        }
    }

    @Nested
    class Registry extends RegistryStoreContract {
        @Override
        protected MetadataStore newStore() {
            return new InMemoryMetadataStore();
        }
    }

    @Nested
    class Governance extends GovernanceStoreContract {
        @Override
        protected MetadataStore newStore() {
            return new InMemoryMetadataStore();
        }
    }

    @Nested
    class PredictionLog extends PredictionLogStoreContract {
        @Override
        protected MetadataStore newStore() {
            return new InMemoryMetadataStore();
        }
    }

    @Nested
    class Artifacts extends ArtifactStoreContract {
        @Override
        protected ArtifactStore newStore() {
            return new InMemoryArtifactStore();
        }

        @Override
        protected void replaceBytesBehindTheStoresBack(ArtifactStore store, String key, byte[] bytes) {
            InMemoryArtifactStore.tamper((InMemoryArtifactStore) store, key, bytes);
        }
    }
}
