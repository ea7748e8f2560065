package io.mlops;

import io.mlops.api.ModelUri;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.data.Datasets;
import io.mlops.api.lineage.Lineage;
import io.mlops.api.monitoring.Monitoring;
import io.mlops.api.governance.Governance;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.Registry;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.tracking.Tracking;
import io.mlops.core.internal.DefaultMlops;
import io.mlops.core.internal.MlopsSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * The entry point: tracking, registry, artifacts and scoring over one metadata store and one
 * artifact store.
 *
 * <pre>{@code
 * try (Mlops mlops = Mlops.local()) {                       // H2 + files under ~/.mlops
 *     try (ActiveRun run = mlops.tracking().startRun("credit-risk")) {
 *         run.logParam("trainer", "lr").logMetric("auc", 0.81);
 *         run.finish();
 *     }
 *     try (Scorer scorer = mlops.scorer("models:/credit-risk@champion")) {
 *         Prediction p = scorer.score(Map.of("age", 41.0, "job", "admin."));
 *     }
 * }
 *
 * // production: PostgreSQL + S3, chosen by URI
 * Mlops prod = Mlops.builder()
 *         .metadata("jdbc:postgresql://db:5432/mlops", Map.of("user", "mlops", "password", secret))
 *         .artifacts("s3://bank-models/mlops")
 *         .principal(Principal.of("svc-credit-risk"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe. Close it to release database connections and loaded models.
 */
public interface Mlops extends AutoCloseable {

    /** System property naming the folder {@link #local()} uses. */
    String HOME_PROPERTY = "mlops.home";
    /** Environment variable naming the folder {@link #local()} uses, when the property is unset. */
    String HOME_ENVIRONMENT = "MLOPS_HOME";

    Tracking tracking();

    /** Dataset versions: files, folders and query results pinned by their content digest. */
    Datasets datasets();

    /** Lineage both ways, and the report that says how to rebuild a version. */
    Lineage lineage();

    /** Baselines, the prediction log with its ground truth, and drift reports. */
    Monitoring monitoring();

    Registry registry();

    ArtifactStore artifacts();

    /** The principal every operation is recorded as. */
    Principal principal();

    /** Approval workflow, alias history, inventory, roles and the audit log. */
    Governance governance();

    /**
     * The same stores acting as another principal, for a service that works on behalf of its
     * users (each authorized and audited as themselves). Cheap; shares this instance's stores and
     * loaded state. Closing the view does nothing: close this instance.
     *
     * <pre>{@code
     * Mlops asVictor = mlops.as(Principal.of("victor", Set.of("model-validation")));
     * asVictor.governance().approve("credit-risk", 3, "Validation report VR-2026-114");
     * }</pre>
     */
    Mlops as(Principal principal);

    /**
     * Loads the model version a URI names, after checking the artifact's bytes against the
     * sha256 recorded when the version was registered.
     *
     * @throws io.mlops.api.IntegrityException if the bytes differ
     */
    Scorer scorer(ModelUri uri, ScorerOptions options);

    default Scorer scorer(String uri) {
        return scorer(ModelUri.parse(uri), ScorerOptions.DEFAULTS);
    }

    @Override
    void close();

    /**
     * The embedded default: an H2 database file and an artifact folder under the folder named by
     * system property {@value #HOME_PROPERTY}, else environment variable {@value #HOME_ENVIRONMENT},
     * else {@code ~/.mlops}. Needs {@code mlops-jdbc} on the class path.
     */
    static Mlops local() {
        return local(defaultHome());
    }

    /**
     * The folder {@link #local()} uses: system property {@value #HOME_PROPERTY}, else environment
     * variable {@value #HOME_ENVIRONMENT}, else {@code .mlops} in the user's home folder.
     */
    static Path defaultHome() {
        return MlopsSettings.defaultHome();
    }

    /** The embedded default rooted at {@code home}: {@code home/metadata} (H2) and {@code home/artifacts}. */
    static Mlops local(Path home) {
        return builder().local(home).build();
    }

    /** Everything in memory: for tests and throw-away exploration. */
    static Mlops inMemory() {
        return builder().metadata("mem:").artifacts("mem:").build();
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures an {@link Mlops}. Each store is set once, either as an instance or as a URI
     * resolved through {@link java.util.ServiceLoader}; setting one twice fails immediately.
     * Not thread-safe.
     */
    final class Builder {
        private final MlopsSettings.Draft draft = new MlopsSettings.Draft();

        private Builder() {
        }

        /** A metadata store by URI: {@code jdbc:h2:…}, {@code jdbc:postgresql:…} or {@code mem:}. */
        public Builder metadata(String uri) {
            return metadata(uri, Map.of());
        }

        /** A metadata store by URI with provider options such as {@code user} and {@code password}. */
        public Builder metadata(String uri, Map<String, String> options) {
            draft.metadataUri(uri, options);
            return this;
        }

        public Builder metadata(MetadataStore store) {
            draft.metadataStore(store);
            return this;
        }

        /** An artifact store by URI: {@code file:…}, {@code s3://bucket/prefix} or {@code mem:}. */
        public Builder artifacts(String uri) {
            return artifacts(uri, Map.of());
        }

        public Builder artifacts(String uri, Map<String, String> options) {
            draft.artifactUri(uri, options);
            return this;
        }

        public Builder artifacts(ArtifactStore store) {
            draft.artifactStore(store);
            return this;
        }

        /** Both stores of the embedded default under {@code home}. */
        public Builder local(Path home) {
            return localMetadata(home).localArtifacts(home);
        }

        /** The embedded H2 database under {@code home/metadata}; needs {@code mlops-jdbc} on the class path. */
        public Builder localMetadata(Path home) {
            return metadata(MlopsSettings.localMetadataUri(home));
        }

        /** The artifact folder {@code home/artifacts}. */
        public Builder localArtifacts(Path home) {
            return artifacts(MlopsSettings.localArtifactUri(home));
        }

        /** Who operations are recorded as; default {@link Principal#currentUser()}. */
        public Builder principal(Principal principal) {
            draft.principal(principal);
            return this;
        }

        /**
         * Which roles principals hold; default {@link RoleMapping#defaults()} (everyone may track,
         * register and move unprotected aliases; nobody may approve, move protected aliases or
         * manage roles until a mapping names validators and administrators).
         */
        public Builder roles(RoleMapping roles) {
            draft.roles(roles);
            return this;
        }

        /** The aliases that may point only at APPROVED versions; default {@code champion} and {@code production}. */
        public Builder protectedAliases(String... aliases) {
            draft.protectedAliases(Set.of(aliases));
            return this;
        }

        /**
         * Turns governance off: no authorization and no protected aliases; only alias and approval
         * changes and integrity failures are audited. The four-eyes rule still holds (the database
         * enforces it too), so nobody approves their own version. For tests and single-user
         * experiments; logged as a warning at start.
         */
        public Builder ungoverned() {
            draft.ungoverned();
            return this;
        }

        /**
         * Whether each new run records the environment it runs in (default true): git commit,
         * branch, dirty flag and remote (without credentials) as MLflow's {@code mlflow.source.git.*}
         * tags, JVM, OS, CPUs, host and user as {@code mlops.env.*} tags, and every library on the
         * class path in the run artifact {@code mlops/environment.json}. Captured once per JVM: the
         * code a JVM runs does not change while it runs.
         */
        public Builder captureEnvironment(boolean capture) {
            draft.captureEnvironment(capture);
            return this;
        }

        /** The time source; default {@link Clock#systemUTC()}. Tests inject a fixed clock. */
        public Builder clock(Clock clock) {
            draft.clock(clock);
            return this;
        }

        /**
         * Validates the whole configuration (reporting every problem at once), opens the stores
         * and logs the configuration once with secrets masked.
         */
        public Mlops build() {
            return DefaultMlops.open(draft.freeze());
        }
    }
}
