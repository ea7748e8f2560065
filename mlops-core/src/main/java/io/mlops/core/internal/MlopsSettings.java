package io.mlops.core.internal;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.ArtifactStore;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.spi.MetadataStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated, frozen configuration of an {@code Mlops} instance, and the mutable draft the
 * builder fills in.
 */
public record MlopsSettings(
        String metadataUri,
        Map<String, String> metadataOptions,
        MetadataStore metadataStore,
        String artifactUri,
        Map<String, String> artifactOptions,
        ArtifactStore artifactStore,
        Principal principal,
        Clock clock,
        boolean governed,
        RoleMapping roleMapping,
        Set<String> protectedAliases,
        boolean captureEnvironment) {

    /** Aliases that may point only at APPROVED versions unless configured otherwise. */
    public static final Set<String> DEFAULT_PROTECTED_ALIASES = Set.of("champion", "production");

    private static final Set<String> SECRET_OPTIONS = Set.of("password", "secret", "secretkey", "secret_key", "token", "key");

    // password=… as H2 (;PASSWORD=…) and PostgreSQL (?password=… / &password=…) URLs carry it, and user:password@.
    private static final Pattern URI_SECRET_SETTING = Pattern.compile("(?i)((?:password|secret|token)\\s*=)[^;&]*");
    private static final Pattern URI_USER_INFO_PASSWORD = Pattern.compile("(://[^/@:?;]*:)[^/@?;]*@");

    /** {@code uri} with any password it carries masked, for logs and messages. */
    public static String maskUri(String uri) {
        if (uri == null) {
            return null;
        }
        String masked = URI_SECRET_SETTING.matcher(uri).replaceAll("$1****");
        return URI_USER_INFO_PASSWORD.matcher(masked).replaceAll("$1****@");
    }

    /** Folder of the embedded default, see {@code Mlops.local()}. */
    public static Path defaultHome() {
        String property = System.getProperty("mlops.home");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("MLOPS_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".mlops");
    }

    /** The H2 URL of the embedded database under {@code home}. AUTO_SERVER lets JShell and an app share it. */
    public static String localMetadataUri(Path home) {
        Objects.requireNonNull(home, "home");
        return "jdbc:h2:file:" + home.toAbsolutePath().resolve("metadata").resolve("mlops") + ";AUTO_SERVER=TRUE";
    }

    public static String localArtifactUri(Path home) {
        return home.toAbsolutePath().resolve("artifacts").toUri().toString();
    }

    /** One line for the log, with every secret-looking option masked. */
    public String describe() {
        return "metadata=" + (metadataStore != null ? metadataStore.description() : maskUri(metadataUri) + masked(metadataOptions))
                + ", artifacts=" + (artifactStore != null ? artifactStore.location() : maskUri(artifactUri) + masked(artifactOptions))
                + ", principal=" + principal.name() + ", clock=" + clock
                + (governed ? ", governance=on (protected aliases " + new java.util.TreeSet<>(protectedAliases) + ")"
                        : ", governance=OFF")
                + (captureEnvironment ? "" : ", environment capture=off");
    }

    private static String masked(Map<String, String> options) {
        if (options.isEmpty()) {
            return "";
        }
        Map<String, String> shown = new LinkedHashMap<>();
        options.forEach((k, v) -> shown.put(k, SECRET_OPTIONS.contains(k.toLowerCase(java.util.Locale.ROOT)) ? "****" : v));
        return " " + shown;
    }

    /** Collected by the builder; checked as a whole by {@link #freeze()}. */
    public static final class Draft {
        private final List<String> problems = new ArrayList<>();
        private String metadataUri;
        private Map<String, String> metadataOptions = Map.of();
        private MetadataStore metadataStore;
        private String artifactUri;
        private Map<String, String> artifactOptions = Map.of();
        private ArtifactStore artifactStore;
        private Principal principal;
        private Clock clock;
        private Boolean governed;
        private RoleMapping roleMapping;
        private Set<String> protectedAliases;
        private Boolean captureEnvironment;

        public void metadataUri(String uri, Map<String, String> options) {
            Objects.requireNonNull(uri, "metadata uri");
            checkMetadataUnset("metadata(\"" + maskUri(uri) + "\")");
            metadataUri = uri;
            metadataOptions = Map.copyOf(options);
        }

        public void metadataStore(MetadataStore store) {
            Objects.requireNonNull(store, "metadata store");
            checkMetadataUnset("metadata(" + store.description() + ")");
            metadataStore = store;
        }

        public void artifactUri(String uri, Map<String, String> options) {
            Objects.requireNonNull(uri, "artifact uri");
            checkArtifactsUnset("artifacts(\"" + maskUri(uri) + "\")");
            artifactUri = uri;
            artifactOptions = Map.copyOf(options);
        }

        public void artifactStore(ArtifactStore store) {
            Objects.requireNonNull(store, "artifact store");
            checkArtifactsUnset("artifacts(" + store.location() + ")");
            artifactStore = store;
        }

        public void principal(Principal principal) {
            if (this.principal != null) {
                throw new IllegalStateException("principal is already set to '" + this.principal.name()
                        + "'; set it once");
            }
            this.principal = Objects.requireNonNull(principal, "principal");
        }

        public void clock(Clock clock) {
            if (this.clock != null) {
                throw new IllegalStateException("clock is already set to " + this.clock + "; set it once");
            }
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        public void roles(RoleMapping mapping) {
            if (roleMapping != null) {
                throw new IllegalStateException("roles are already set to " + roleMapping + "; set them once");
            }
            roleMapping = Objects.requireNonNull(mapping, "role mapping");
        }

        public void protectedAliases(Set<String> aliases) {
            if (protectedAliases != null) {
                throw new IllegalStateException("protected aliases are already set to " + protectedAliases + "; set them once");
            }
            Objects.requireNonNull(aliases, "protected aliases");
            for (String alias : aliases) {
                try {
                    Validation.alias(alias);
                } catch (InvalidArgumentException e) {
                    problems.add("protected alias: " + e.getMessage());
                }
            }
            protectedAliases = Set.copyOf(aliases);
        }

        public void ungoverned() {
            if (governed != null) {
                throw new IllegalStateException("governance is already turned off; say it once");
            }
            governed = false;
        }

        private void checkMetadataUnset(String attempt) {
            if (metadataUri != null || metadataStore != null) {
                throw new IllegalStateException(attempt + " conflicts with the metadata store already set ("
                        + (metadataStore != null ? metadataStore.description() : maskUri(metadataUri)) + "); set it once");
            }
        }

        private void checkArtifactsUnset(String attempt) {
            if (artifactUri != null || artifactStore != null) {
                throw new IllegalStateException(attempt + " conflicts with the artifact store already set ("
                        + (artifactStore != null ? artifactStore.location() : maskUri(artifactUri)) + "); set it once");
            }
        }

        public void captureEnvironment(boolean capture) {
            if (captureEnvironment != null) {
                problems.add("captureEnvironment is set twice (" + captureEnvironment + ", then " + capture + "); set it once");
            }
            captureEnvironment = capture;
        }

        public MlopsSettings freeze() {
            List<String> all = new ArrayList<>(problems);
            if (metadataUri == null && metadataStore == null) {
                all.add("no metadata store: call metadata(\"jdbc:…\"), metadata(\"mem:\") or local(path)");
            }
            if (artifactUri == null && artifactStore == null) {
                all.add("no artifact store: call artifacts(\"file:…\"), artifacts(\"s3://…\"), artifacts(\"mem:\") or local(path)");
            }
            if (Boolean.FALSE.equals(governed) && (roleMapping != null || protectedAliases != null)) {
                all.add("ungoverned() turns off roles and protected aliases, so roles(…) and protectedAliases(…) would"
                        + " have no effect; drop one or the other");
            }
            if (!all.isEmpty()) {
                throw new InvalidArgumentException("invalid Mlops configuration: " + String.join("; ", all));
            }
            return new MlopsSettings(metadataUri, metadataOptions, metadataStore, artifactUri, artifactOptions, artifactStore,
                    principal != null ? principal : Principal.currentUser(), clock != null ? clock : Clock.systemUTC(),
                    governed == null || governed, roleMapping != null ? roleMapping : RoleMapping.defaults(),
                    protectedAliases != null ? protectedAliases : DEFAULT_PROTECTED_ALIASES,
                    captureEnvironment == null || captureEnvironment);
        }
    }
}
