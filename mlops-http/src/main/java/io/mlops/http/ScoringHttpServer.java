package io.mlops.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.ModelUri;
import io.mlops.serving.ModelServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of a {@link ModelServer} over HTTP, on an embedded Jetty server.
 *
 * <pre>{@code
 * ApiKeys keys = ApiKeys.load(Path.of("/etc/mlops/api-keys"));
 * try (ModelServer models = ModelServer.builder(mlops).meterRegistry(prometheus).build();
 *      ScoringHttpServer http = ScoringHttpServer.builder(models)
 *              .port(8080)
 *              .apiKeys(keys)
 *              .rateLimit(RateLimit.of(50, 100))
 *              .meterRegistry(prometheus)                 // one /metrics for both
 *              .preload("models:/credit-risk@champion")   // /ready reports it from the start
 *              .build()
 *              .start()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>Routes</h2>
 * <ul>
 * <li>{@code POST /v1/models/{name}@{alias}/predict} and
 *     {@code POST /v1/models/{name}/versions/{version}/predict}: body
 *     {@code {"rows": [{"age": 41, "job": "admin."}, ...]}}; answer
 *     {@code {"model": "credit-risk", "version": 3, "predictions": [{"label": "yes",
 *     "probabilities": {"no": 0.8, "yes": 0.2}}, ...]}}, or {@code "values": [...]} for a
 *     regression. Rows are JSON objects whose values are numbers, strings, booleans or arrays of
 *     numbers. Needs an API key.</li>
 * <li>{@code GET /health}: 200 {@code {"status":"UP"}} while the server runs. Open.</li>
 * <li>{@code GET /ready}: 200 when {@link ModelServer#healthy()} (at least one model served, none
 *     degraded), else 503; the body lists every served URI with state, version and problem. Open.</li>
 * <li>{@code GET /metrics}: the {@link PrometheusMeterRegistry} in Prometheus text format 0.0.4,
 *     including timer {@code mlops.http.requests} (tags {@code route} template, {@code method},
 *     {@code status}) and gauges {@code mlops.http.threads.busy} and {@code mlops.http.threads.queued}.
 *     Open unless {@link Builder#metricsRequireApiKey(boolean)}: it holds model names and counts,
 *     never request data.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Every error is JSON, {@code {"error":{"status":400,"code":"malformed_json","message":"..."}}},
 * with an {@code "id"} when the server logged a cause under it; never a stack trace. 400: the body
 * is not {@code {"rows": [...]}} of flat rows (codes {@code malformed_json}, {@code invalid_request},
 * {@code invalid_value}); 401: no or a wrong key ({@code WWW-Authenticate: Bearer}); 404: no such
 * route or model; 405: wrong method ({@code Allow}); 413: body over {@code maxBodyBytes}, whether
 * declared by {@code Content-Length} or found while reading a chunked body; 415: not
 * {@code application/json}; 422: the model refuses the rows (missing, unknown or mistyped feature),
 * with the scorer's message; 429: over the key's rate limit ({@code Retry-After} in whole seconds);
 * 503: the model exists but cannot be loaded or verified; 500: anything else.
 *
 * <h2>Server</h2>
 * Embedded Jetty 12 through its core {@code Handler} API (the choice is argued in the package
 * documentation): a bounded thread pool named {@code mlops-http-*} on which scoring runs, request
 * headers up to 8 KiB, no {@code Server} version header, no JVM shutdown hook (the caller owns the
 * life cycle). No TLS: terminate it in front of the endpoint.
 *
 * <p>Thread-safe. {@link #start()} binds and serves; {@link #close()} stops accepting, lets
 * requests in flight finish for up to {@code stopTimeout}, and stops. The {@link ModelServer} stays
 * the caller's to close. The endpoint never logs request bodies (customer data) or API keys.
 */
public final class ScoringHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringHttpServer.class);
    private static final int REQUEST_HEADER_BYTES = 8 * 1024;

    private enum State { NEW, STARTED, CLOSED }

    private final ModelServer models;
    private final String host;
    private final int requestedPort;
    private final List<ModelUri> preload;
    private final PrometheusMeterRegistry registry;
    private final boolean ownRegistry;
    private final String description;
    private final Server server;
    private final ServerConnector connector;
    private final QueuedThreadPool threads;
    private final List<Meter> gauges = new ArrayList<>();
    private State state = State.NEW;

    private ScoringHttpServer(Builder b, List<ModelUri> preload) {
        this.models = b.models;
        this.host = b.host;
        this.requestedPort = b.port == null ? 8080 : b.port;
        this.preload = preload;
        this.ownRegistry = b.meterRegistry == null;
        this.registry = ownRegistry ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : b.meterRegistry;
        int maxBody = b.maxBodyBytes == null ? Builder.DEFAULT_MAX_BODY_BYTES : b.maxBodyBytes;
        int maxThreads = b.maxThreads == null ? Builder.DEFAULT_MAX_THREADS : b.maxThreads;
        Duration idle = b.idleTimeout == null ? Builder.DEFAULT_IDLE_TIMEOUT : b.idleTimeout;
        Duration stop = b.stopTimeout == null ? Builder.DEFAULT_STOP_TIMEOUT : b.stopTimeout;
        boolean metricsNeedKey = Boolean.TRUE.equals(b.metricsRequireApiKey);
        TokenBuckets buckets = b.rateLimit == null ? null
                : new TokenBuckets(b.rateLimit, b.clock == null ? Clock.systemUTC() : b.clock);

        threads = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads), 60_000);
        threads.setName("mlops-http");
        server = new Server(threads);
        server.setStopAtShutdown(false);
        server.setStopTimeout(stop.toMillis());
        server.setErrorHandler(new JsonErrorHandler());

        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
        http.setResponseHeaderSize(REQUEST_HEADER_BYTES);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setIdleTimeout(idle.toMillis());
        connector = new ServerConnector(server, 1, -1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(requestedPort);
        connector.setIdleTimeout(idle.toMillis());
        // Once closing, an idle keep-alive connection has nothing left to finish; without this
        // Jetty keeps each open for a second before close() returns.
        connector.setShutdownIdleTimeout(Math.min(100, stop.toMillis()));
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new ScoringHandler(models, b.apiKeys, buckets, b.rateLimit, maxBody,
                metricsNeedKey, registry)));

        description = "auth: " + (b.apiKeys == null ? "none (allowUnauthenticated)" : "API keys " + b.apiKeys.keyIds())
                + ", rate limit: " + (b.rateLimit == null ? "none" : b.rateLimit)
                + ", max body: " + maxBody + " bytes, max request header: " + REQUEST_HEADER_BYTES + " bytes"
                + ", threads: " + threads.getMinThreads() + ".." + maxThreads
                + ", idle timeout: " + idle + ", stop timeout: " + stop
                + ", metrics: " + (metricsNeedKey ? "API key" : "open")
                + ", preload: " + preload;
    }

    /** Starts configuring an endpoint for the models of {@code models}. */
    public static Builder builder(ModelServer models) {
        return new Builder(models);
    }

    /**
     * Loads the {@linkplain Builder#preload preloaded} models, binds the port and starts serving.
     *
     * @return this
     * @throws IllegalStateException if already started or closed
     * @throws MlopsException if a preloaded model cannot be loaded (as the {@link ModelServer} throws
     *         it) or the port cannot be bound, with the cause
     */
    public synchronized ScoringHttpServer start() {
        if (state != State.NEW) {
            throw new IllegalStateException("the HTTP scoring endpoint is " + state.name().toLowerCase()
                    + "; start() may be called once");
        }
        for (ModelUri uri : preload) {
            models.scorer(uri);
        }
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            state = State.CLOSED;
            if (ownRegistry) {
                registry.close();
            }
            throw new MlopsException("cannot start the HTTP scoring endpoint on " + (host == null ? "*" : host) + ":"
                    + requestedPort + ": " + e, e);
        }
        state = State.STARTED;
        gauges.add(Gauge.builder("mlops.http.threads.busy", threads, QueuedThreadPool::getBusyThreads)
                .description("HTTP threads handling a request").register(registry));
        gauges.add(Gauge.builder("mlops.http.threads.queued", threads, QueuedThreadPool::getQueueSize)
                .description("HTTP jobs waiting for a thread").register(registry));
        LOG.info("HTTP scoring endpoint listening on {} ({})", uri(), description);
        return this;
    }

    /**
     * The port the endpoint listens on: the configured one, or the one the system chose for port 0.
     *
     * @throws IllegalStateException unless started and not closed
     */
    public synchronized int port() {
        if (state != State.STARTED) {
            throw new IllegalStateException("the HTTP scoring endpoint is " + state.name().toLowerCase()
                    + "; its port is known only while started");
        }
        return connector.getLocalPort();
    }

    /**
     * The base URI, for example {@code http://localhost:8080/}; {@code localhost} when listening on
     * every interface.
     *
     * @throws IllegalStateException unless started and not closed
     */
    public synchronized URI uri() {
        String h = host == null || host.equals("0.0.0.0") || host.equals("::") ? "localhost"
                : host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** The registry {@code /metrics} exposes: the one given to the builder, or the endpoint's own. */
    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * Stops accepting connections, waits up to {@code stopTimeout} for requests in flight, and stops.
     * Idempotent. Does not close the {@link ModelServer}; closes the meter registry only if the
     * endpoint created it.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasStarted = state == State.STARTED;
        state = State.CLOSED;
        if (wasStarted) {
            stopQuietly();
            LOG.info("HTTP scoring endpoint stopped");
        }
        gauges.forEach(registry::remove);
        gauges.clear();
        if (ownRegistry) {
            registry.close();
        }
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("the HTTP scoring endpoint did not stop cleanly: {}", e.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "ScoringHttpServer[" + state.name().toLowerCase() + ", " + description + "]";
    }

    /**
     * Configures a {@link ScoringHttpServer}. Not thread-safe; each option may be set once, and
     * options that contradict each other fail at once naming both. One of {@link #apiKeys} and
     * {@link #allowUnauthenticated()} is required.
     */
    public static final class Builder {
        static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
        static final int MAX_MAX_BODY_BYTES = 256 * 1024 * 1024;
        static final int DEFAULT_MAX_THREADS = 64;
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
        static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

        private final ModelServer models;
        private String host;
        private Integer port;
        private ApiKeys apiKeys;
        private Boolean unauthenticated;
        private RateLimit rateLimit;
        private Integer maxBodyBytes;
        private PrometheusMeterRegistry meterRegistry;
        private Boolean metricsRequireApiKey;
        private Integer maxThreads;
        private Duration idleTimeout;
        private Duration stopTimeout;
        private Clock clock;
        private List<String> preload;

        private Builder(ModelServer models) {
            this.models = Objects.requireNonNull(models, "models");
        }

        /** The interface to bind, as a host name or address; default every interface. */
        public Builder host(String host) {
            this.host = once("host", this.host, host);
            return this;
        }

        /** The TCP port; default 8080; 0 lets the system choose one (see {@link ScoringHttpServer#port()}). */
        public Builder port(int port) {
            this.port = once("port", this.port, port);
            return this;
        }

        /** The keys accepted on predict routes (and {@code /metrics} if so configured). */
        public Builder apiKeys(ApiKeys keys) {
            Objects.requireNonNull(keys, "keys");
            if (unauthenticated != null) {
                throw new IllegalStateException("allowUnauthenticated() was already called; cannot also set apiKeys "
                        + keys);
            }
            this.apiKeys = once("apiKeys", this.apiKeys, keys);
            return this;
        }

        /**
         * Serves predict calls without any key, for deployments where a gateway or sidecar in front
         * authenticates callers. Rate limits then apply to all callers together.
         */
        public Builder allowUnauthenticated() {
            if (apiKeys != null) {
                throw new IllegalStateException("apiKeys was already set to " + apiKeys
                        + "; cannot also allowUnauthenticated()");
            }
            if (Boolean.TRUE.equals(metricsRequireApiKey)) {
                throw new IllegalStateException("metricsRequireApiKey(true) was already set; cannot also "
                        + "allowUnauthenticated(), which leaves no key to require");
            }
            this.unauthenticated = once("allowUnauthenticated", this.unauthenticated, Boolean.TRUE);
            return this;
        }

        /** Predict calls allowed per API key; default unlimited. */
        public Builder rateLimit(RateLimit limit) {
            this.rateLimit = once("rateLimit", this.rateLimit, limit);
            return this;
        }

        /** Largest request body accepted; default 1 MiB (1,048,576 bytes), at most 256 MiB. */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = once("maxBodyBytes", this.maxBodyBytes, bytes);
            return this;
        }

        /**
         * The registry to record into and expose on {@code /metrics}; pass the one given to
         * {@link ModelServer.Builder#meterRegistry} to expose scoring metrics too. Default: a new
         * registry the endpoint owns (see {@link ScoringHttpServer#meterRegistry()}).
         */
        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.meterRegistry = once("meterRegistry", this.meterRegistry, registry);
            return this;
        }

        /** Whether {@code /metrics} needs an API key like predict routes; default false (open). */
        public Builder metricsRequireApiKey(boolean required) {
            if (required && unauthenticated != null) {
                throw new IllegalStateException("allowUnauthenticated() was already called; cannot also "
                        + "metricsRequireApiKey(true), as there is no key to require");
            }
            this.metricsRequireApiKey = once("metricsRequireApiKey", this.metricsRequireApiKey, required);
            return this;
        }

        /**
         * Most threads serving requests, which bounds how many score at once; default 64, at least 8
         * (Jetty's acceptor and selectors take some).
         */
        public Builder maxThreads(int threads) {
            this.maxThreads = once("maxThreads", this.maxThreads, threads);
            return this;
        }

        /** How long a connection may stay silent, also while sending its body; default 30 s. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = once("idleTimeout", this.idleTimeout, timeout);
            return this;
        }

        /** How long {@link ScoringHttpServer#close()} waits for requests in flight; default 10 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = once("stopTimeout", this.stopTimeout, timeout);
            return this;
        }

        /** The time rate limits refill by; default the system clock. For tests. */
        public Builder clock(Clock clock) {
            this.clock = once("clock", this.clock, clock);
            return this;
        }

        /**
         * Model URIs to load in {@link ScoringHttpServer#start()}, before the port opens, so the
         * first call does not pay for loading and {@code /ready} reports them from the start.
         * Default none: models load on their first call.
         */
        public Builder preload(String... uris) {
            Objects.requireNonNull(uris, "uris");
            this.preload = once("preload", this.preload, List.of(uris));
            return this;
        }

        /**
         * Builds the endpoint, not yet started.
         *
         * @throws InvalidArgumentException listing every invalid option
         */
        public ScoringHttpServer build() {
            List<String> problems = new ArrayList<>();
            if (apiKeys == null && unauthenticated == null) {
                problems.add("no API keys: set apiKeys(...), or allowUnauthenticated() when a gateway in front "
                        + "authenticates callers");
            }
            if (port != null && (port < 0 || port > 65_535)) {
                problems.add("port " + port + " must be between 0 (any free port) and 65535");
            }
            if (maxBodyBytes != null && (maxBodyBytes < 1 || maxBodyBytes > MAX_MAX_BODY_BYTES)) {
                problems.add("maxBodyBytes " + maxBodyBytes + " must be between 1 and " + MAX_MAX_BODY_BYTES);
            }
            if (maxThreads != null && (maxThreads < 8 || maxThreads > 10_000)) {
                problems.add("maxThreads " + maxThreads + " must be between 8 and 10000");
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero()
                    || idleTimeout.compareTo(Duration.ofDays(1)) > 0)) {
                problems.add("idleTimeout " + idleTimeout + " must be positive and at most a day");
            }
            if (stopTimeout != null && (stopTimeout.isNegative() || stopTimeout.compareTo(Duration.ofDays(1)) > 0)) {
                problems.add("stopTimeout " + stopTimeout + " must be between 0 and a day");
            }
            List<ModelUri> uris = new ArrayList<>();
            for (String uri : preload == null ? List.<String>of() : preload) {
                try {
                    uris.add(ModelUri.parse(uri));
                } catch (InvalidArgumentException e) {
                    problems.add("preload: " + e.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidArgumentException("invalid HTTP scoring endpoint configuration: "
                        + String.join("; ", problems));
            }
            return new ScoringHttpServer(this, List.copyOf(uris));
        }

        private static <T> T once(String option, T current, T value) {
            Objects.requireNonNull(value, option);
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current + "; cannot set it to "
                        + value);
            }
            return value;
        }
    }
}
