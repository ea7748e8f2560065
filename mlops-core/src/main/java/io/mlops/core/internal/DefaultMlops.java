package io.mlops.core.internal;

import io.mlops.Mlops;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.ModelUri;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.data.Datasets;
import io.mlops.api.lineage.Lineage;
import io.mlops.api.governance.Governance;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.Registry;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.ModelFlavor;
import io.mlops.api.tracking.Tracking;
import io.mlops.core.internal.serving.MicroBatchingScorer;
import io.mlops.core.internal.governance.Guard;
import io.mlops.core.internal.governance.Permission;
import io.mlops.core.internal.governance.RoleResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the stores to the core's tracking, registry and serving logic. */
public final class DefaultMlops implements Mlops {

    private static final Logger LOG = LoggerFactory.getLogger(Mlops.class);

    private final MlopsSettings settings;
    private final MetadataStore metadata;
    private final ArtifactStore artifacts;
    private final Guard guard;
    private final DefaultTracking tracking;
    private final DefaultRegistry registry;
    private final DefaultGovernance governance;
    private final GovernedArtifactStore governedArtifacts;
    private final DefaultLineage lineage;
    private final DefaultMonitoring monitoring;
    /** False for the views {@link #as} returns: they share the stores and must not close them. */
    private final boolean ownsStores;

    private DefaultMlops(MlopsSettings settings, MetadataStore metadata, ArtifactStore artifacts, Guard guard,
            DefaultTracking tracking, boolean ownsStores) {
        this.settings = settings;
        this.metadata = metadata;
        this.artifacts = artifacts;
        this.guard = guard;
        this.tracking = tracking;
        this.registry = new DefaultRegistry(metadata, artifacts, guard, settings.protectedAliases(),
                new GoldenSets(artifacts, version -> load(version, ScorerOptions.DEFAULTS)));
        this.governance = new DefaultGovernance(metadata, artifacts, registry, guard);
        this.governedArtifacts = new GovernedArtifactStore(artifacts, guard);
        this.lineage = new DefaultLineage(metadata, artifacts, registry, guard);
        this.monitoring = new DefaultMonitoring(metadata, artifacts, registry, guard);
        this.ownsStores = ownsStores;
    }

    public static Mlops open(MlopsSettings settings) {
        MetadataStore metadata = settings.metadataStore() != null ? settings.metadataStore()
                : Providers.metadataProviderFor(settings.metadataUri()).open(settings.metadataUri(), settings.metadataOptions());
        ArtifactStore artifacts;
        try {
            artifacts = settings.artifactStore() != null ? settings.artifactStore()
                    : Providers.artifactProviderFor(settings.artifactUri()).open(settings.artifactUri(), settings.artifactOptions());
        } catch (RuntimeException e) {
            closeQuietly(metadata, e);
            throw e;
        }
        LOG.info("MLOps SDK started: {}", settings.describe());
        if (!settings.governed()) {
            LOG.warn("governance is OFF: no authorization, no protected aliases (the four-eyes rule still holds); use"
                    + " this only for tests and single-user experiments");
        }
        RoleResolver roles = new RoleResolver(settings.roleMapping(), metadata, System::nanoTime);
        Guard guard = new Guard(metadata, settings.principal(), roles, settings.clock(), settings.governed());
        return new DefaultMlops(settings, metadata, artifacts, guard, new DefaultTracking(metadata, artifacts, guard, settings.captureEnvironment()), true);
    }

    @Override
    public Mlops as(Principal principal) {
        Objects.requireNonNull(principal, "principal");
        Guard other = guard.as(principal);
        return new DefaultMlops(settings, metadata, artifacts, other, tracking.as(other), false);
    }

    @Override
    public Governance governance() {
        return governance;
    }

    @Override
    public DefaultMonitoring monitoring() {
        return monitoring;
    }

    @Override
    public Lineage lineage() {
        return lineage;
    }

    @Override
    public Datasets datasets() {
        return tracking.datasets;
    }

    @Override
    public Tracking tracking() {
        return tracking;
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public ArtifactStore artifacts() {
        return governedArtifacts;
    }

    @Override
    public Principal principal() {
        return guard.principal();
    }

    @Override
    public Scorer scorer(ModelUri uri, ScorerOptions options) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(uri, "model uri");
        // Authorized once here; the scorer it returns scores without further checks.
        guard.require(Permission.READ, "serving.scorer", uri.toString());
        ModelVersion version = registry.resolveUnchecked(uri);
        Scorer scorer = load(version, options);
        return options.microBatching()
                ? new MicroBatchingScorer(scorer, options.microBatchDelay().toNanos(), options.microBatchMaxRows())
                : scorer;
    }

    /** Loads a version's verified bytes with its flavor; authorization is the caller's. */
    private Scorer load(ModelVersion version, ScorerOptions options) {
        ModelFlavor flavor = Providers.flavor(version.flavor()).orElseThrow(() -> new InvalidArgumentException(
                "model " + version.uri() + " has flavor '" + version.flavor() + "' but no such flavor is on the class path"
                        + " (found " + Providers.flavors().stream().map(ModelFlavor::name).toList() + "); add mlops-"
                        + version.flavor()));
        byte[] bytes;
        try {
            bytes = verifiedBytes(version);
        } catch (IntegrityException e) {
            guard.recordFailure("serving.load", version.uri().toString(), e.getMessage(), e);
            throw e;
        }
        LOG.debug("loading {} ({} bytes, sha256 {}) as {}", version.uri(), bytes.length, version.sha256(), flavor.name());
        return flavor.load(version, bytes, options);
    }

    /**
     * Reads a version's artifact in full, checking it twice: against the store's own record while
     * reading, then against the digest the registry pinned at registration, so that replacing both
     * the bytes and the store's record is still caught.
     */
    byte[] verifiedBytes(ModelVersion version) {
        byte[] bytes;
        try (InputStream in = artifacts.open(version.artifactKey())) {
            bytes = in.readAllBytes();
        } catch (IntegrityException e) {
            // The store's own check fires first; without this the message would not say which model is affected.
            throw new IntegrityException("model " + version.uri() + " (registered with sha256 " + version.sha256()
                    + ") cannot be loaded: " + e.getMessage() + "; refusing to load it", e);
        } catch (IOException e) {
            throw new MlopsException("cannot read artifact '" + version.artifactKey() + "' of " + version.uri() + ": " + e, e);
        }
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(version.sha256())) {
            throw new IntegrityException("model " + version.uri() + " was registered with sha256 " + version.sha256()
                    + " but artifact '" + version.artifactKey() + "' now has sha256 " + actual + "; refusing to load it");
        }
        return bytes;
    }

    @Override
    public void close() {
        if (!ownsStores) {
            return;
        }
        RuntimeException failure = null;
        try {
            metadata.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            artifacts.close();
        } catch (Exception e) {
            if (failure == null) {
                failure = e instanceof RuntimeException r ? r : new MlopsException("cannot close artifact store", e);
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable resource, Throwable primary) {
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "Mlops[" + settings.describe() + (ownsStores ? "" : ", acting as " + guard.principal().name()) + "]";
    }
}
