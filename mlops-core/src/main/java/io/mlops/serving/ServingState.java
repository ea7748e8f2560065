package io.mlops.serving;

/** How a served model URI is doing. */
public enum ServingState {
    /** Serving the version the URI currently names. */
    SERVING,
    /**
     * Serving the last good version because the version the URI now names could not be loaded or
     * verified, or the registry could not be reached; the server retries with backoff.
     */
    DEGRADED
}
