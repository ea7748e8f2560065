package io.mlops.serving;

import io.mlops.api.ModelUri;
import io.mlops.api.registry.ModelVersion;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ModelServer} is serving for one model URI.
 *
 * <pre>{@code
 * for (ServedModel m : server.status()) {
 *     if (m.state() == ServingState.DEGRADED) {
 *         log.warn("{} still serves v{}: {}", m.uri(), m.version().version(), m.problem().orElseThrow());
 *     }
 * }
 * }</pre>
 *
 * @param uri         the URI callers asked for, for example {@code models:/credit-risk@champion}
 * @param state       whether the served version is the one the URI names now
 * @param version     the version being served (the last good one when degraded)
 * @param problem     why the server is degraded; empty when serving
 * @param lastChecked when the registry was last asked what the URI names
 * @param nextRetry   when a degraded server tries again; empty when serving
 * @param swaps       how many times a new version has replaced the served one
 */
public record ServedModel(
        ModelUri uri,
        ServingState state,
        ModelVersion version,
        Optional<String> problem,
        Instant lastChecked,
        Optional<Instant> nextRetry,
        long swaps) {

    public ServedModel {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(lastChecked, "lastChecked");
        problem = problem == null ? Optional.empty() : problem;
        nextRetry = nextRetry == null ? Optional.empty() : nextRetry;
    }
}
