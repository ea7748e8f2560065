package io.mlops.core.internal.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlops.Mlops;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.ModelUri;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.core.internal.DefaultMonitoring;
import io.mlops.core.internal.monitoring.PredictionLogger;
import io.mlops.serving.ModelServer;
import io.mlops.serving.ServedModel;
import io.mlops.serving.ServingState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, serves and hot-swaps model versions for {@link ModelServer}.
 *
 * <p>Every change of what is served (first load, poll, refresh, close) happens under one lock, so
 * two checks never load the same version twice; scoring calls never take that lock, they only
 * count themselves in and out of the version they started on (see {@link LoadedVersion}).
 */
public final class DefaultModelServer implements ModelServer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultModelServer.class);
    private static final int WARM_UP_CALLS = 3;

    private final Mlops mlops;
    private final Duration pollInterval;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final ScorerOptions scorerOptions;
    private final MeterRegistry meters;
    /** Null when predictions are not logged. */
    private final PredictionLogger predictionLog;
    private final Clock clock = Clock.systemUTC();
    private final Map<ModelUri, Served> served = new ConcurrentHashMap<>();
    private final ReentrantLock changes = new ReentrantLock();
    private final ScheduledExecutorService poller;
    private volatile boolean closed;

    /** What is known about one URI; mutable fields are written under {@link #changes} only. */
    private final class Served {
        final ModelUri uri;
        final AtomicReference<LoadedVersion> current;
        final ServedScorer handle;
        final Counter swapCounter;
        volatile ServingState state = ServingState.SERVING;
        volatile String problem;
        volatile Instant lastChecked;
        volatile Instant nextRetry;
        volatile long swaps;
        Duration backoff;

        Served(ModelUri uri, LoadedVersion first, Instant checked) {
            this.uri = uri;
            this.current = new AtomicReference<>(first);
            this.handle = new ServedScorer(uri, current, predictionLog);
            this.lastChecked = checked;
            if (meters != null) {
                swapCounter = Counter.builder("mlops.serving.swaps").description("Versions swapped in for a model URI")
                        .tag("uri", uri.toString()).register(meters);
                Gauge.builder("mlops.serving.degraded", this, s -> s.state == ServingState.DEGRADED ? 1 : 0)
                        .description("1 while the URI is served by its last good version after a failure")
                        .tag("uri", uri.toString()).register(meters);
            } else {
                swapCounter = null;
            }
        }

        /** Null once closed: {@code current} is read once, so a concurrent close cannot slip in between. */
        ServedModel snapshot() {
            LoadedVersion loaded = current.get();
            if (loaded == null) {
                return null;
            }
            return new ServedModel(uri, state, loaded.version(), Optional.ofNullable(problem), lastChecked,
                    Optional.ofNullable(nextRetry), swaps);
        }
    }

    private DefaultModelServer(Mlops mlops, Duration pollInterval, Duration retryBackoff, Duration maxRetryBackoff,
            ScorerOptions scorerOptions, MeterRegistry meters, PredictionLogger predictionLog) {
        this.mlops = mlops;
        this.predictionLog = predictionLog;
        this.pollInterval = pollInterval;
        this.retryBackoff = retryBackoff;
        this.maxRetryBackoff = maxRetryBackoff;
        this.scorerOptions = scorerOptions;
        this.meters = meters;
        // One thread does the polling and the retries of degraded URIs, even when polling is off.
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlops-model-server");
            t.setDaemon(true);
            return t;
        });
        if (!pollInterval.isZero()) {
            long millis = pollInterval.toMillis();
            poller.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    public static ModelServer start(Mlops mlops, Duration pollInterval, Duration retryBackoff, Duration maxRetryBackoff,
            ScorerOptions scorerOptions, MeterRegistry meterRegistry, PredictionLogOptions predictionLogOptions) {
        List<String> problems = new ArrayList<>();
        if (pollInterval.isNegative() || !pollInterval.isZero() && pollInterval.toMillis() < 1) {
            problems.add("pollInterval " + pollInterval + " must be 0 (no polling) or at least 1 ms");
        }
        if (retryBackoff.isNegative() || retryBackoff.isZero()) {
            problems.add("retryBackoff " + retryBackoff + " must be positive");
        }
        if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
            problems.add("maxRetryBackoff " + maxRetryBackoff + " must be at least retryBackoff " + retryBackoff);
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("invalid model server options: " + String.join("; ", problems));
        }
        PredictionLogger predictionLog = null;
        if (predictionLogOptions != null) {
            predictionLog = DefaultMonitoring.of(mlops, "prediction logging").openPredictionLog(predictionLogOptions, meterRegistry);
        }
        LOG.info("Model server starting: pollInterval={}, retryBackoff={}..{}, scorer options {}, metrics {}, prediction log {}",
                pollInterval.isZero() ? "off (refresh only)" : pollInterval, retryBackoff, maxRetryBackoff, scorerOptions,
                meterRegistry == null ? "off" : meterRegistry.getClass().getSimpleName(),
                predictionLogOptions == null ? "off" : predictionLogOptions);
        return new DefaultModelServer(mlops, pollInterval, retryBackoff, maxRetryBackoff, scorerOptions, meterRegistry,
                predictionLog);
    }

    @Override
    public Scorer scorer(ModelUri uri) {
        java.util.Objects.requireNonNull(uri, "uri");
        requireOpen();
        Served known = served.get(uri);
        if (known != null) {
            return known.handle;
        }
        changes.lock();
        try {
            requireOpen();
            known = served.get(uri);
            if (known == null) {
                ModelVersion version = mlops.registry().resolve(uri);
                known = new Served(uri, load(version), clock.instant());
                served.put(uri, known);
                LOG.info("Serving {} with version {} (sha256 {})", uri, version.version(), version.sha256());
            }
            return known.handle;
        } finally {
            changes.unlock();
        }
    }

    @Override
    public void refresh() {
        changes.lock();
        try {
            requireOpen();
            for (Served s : served.values()) {
                check(s, true);
            }
        } finally {
            changes.unlock();
        }
    }

    private void poll() {
        changes.lock();
        try {
            if (closed) {
                return;
            }
            for (Served s : served.values()) {
                check(s, false);
            }
        } catch (RuntimeException e) {
            // The poller must survive anything: a thrown exception would cancel every later poll.
            LOG.error("model server poll failed", e);
        } finally {
            changes.unlock();
        }
    }

    /** Retries one degraded URI once its backoff has passed, whether or not polling is on. */
    private void retry(Served s) {
        changes.lock();
        try {
            if (!closed && s.state == ServingState.DEGRADED) {
                check(s, false);
            }
        } catch (RuntimeException e) {
            LOG.error("model server retry of {} failed", s.uri, e);
        } finally {
            changes.unlock();
        }
    }

    /** Re-resolves one URI and swaps in what it names now; called with {@link #changes} held. */
    private void check(Served s, boolean force) {
        if (!s.uri.isAlias() && s.state == ServingState.SERVING) {
            return; // a fixed version never moves
        }
        Instant now = clock.instant();
        if (!force && s.nextRetry != null && now.isBefore(s.nextRetry)) {
            return;
        }
        ModelVersion target;
        try {
            target = mlops.registry().resolve(s.uri);
        } catch (RuntimeException e) {
            degrade(s, "cannot ask the registry what " + s.uri + " names: " + e.getMessage(), now);
            return;
        } finally {
            s.lastChecked = now;
        }
        LoadedVersion current = s.current.get();
        if (current.version().version() == target.version() && current.version().sha256().equals(target.sha256())) {
            if (s.state == ServingState.DEGRADED) {
                LOG.info("{} recovered: serving version {} again as the registry names it", s.uri, target.version());
                recover(s);
            }
            return;
        }
        LoadedVersion next;
        try {
            next = load(target);
        } catch (RuntimeException e) {
            degrade(s, "version " + target.version() + " of " + s.uri + " cannot be served (still serving version "
                    + current.version().version() + "): " + e.getMessage(), now);
            return;
        }
        LoadedVersion old = s.current.getAndSet(next);
        // Dropping the server's own reference: the old version closes when its last call returns.
        old.release();
        s.swaps++;
        if (s.swapCounter != null) {
            s.swapCounter.increment();
        }
        recover(s);
        LOG.info("{} now serves version {} (sha256 {}), replacing version {}", s.uri, target.version(), target.sha256(),
                old.version().version());
    }

    private void recover(Served s) {
        s.state = ServingState.SERVING;
        s.problem = null;
        s.nextRetry = null;
        s.backoff = null;
    }

    private void degrade(Served s, String problem, Instant now) {
        s.backoff = s.backoff == null ? retryBackoff : min(s.backoff.multipliedBy(2), maxRetryBackoff);
        s.nextRetry = now.plus(s.backoff);
        if (s.state != ServingState.DEGRADED || !problem.equals(s.problem)) {
            LOG.warn("{} is degraded: {}; retrying in {}", s.uri, problem, s.backoff);
        }
        s.state = ServingState.DEGRADED;
        s.problem = problem;
        try {
            poller.schedule(() -> retry(s), s.backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("not retrying {}: the server is closing", s.uri);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Verifies, loads and warms one version; nothing is published until this returns. */
    private LoadedVersion load(ModelVersion version) {
        // A fixed-version URI: Mlops.scorer checks the bytes against the registered sha256 before loading.
        Scorer scorer = mlops.scorer(ModelUri.ofVersion(version.name(), version.version()), scorerOptions);
        try {
            if (scorer.version().version() != version.version()) {
                throw new ConflictException("asked to load version " + version.version() + " of '" + version.name()
                        + "' but got version " + scorer.version().version());
            }
            warmUp(scorer);
            return new LoadedVersion(scorer, meters);
        } catch (RuntimeException e) {
            scorer.close();
            throw e;
        }
    }

    /**
     * Runs a few rows through a freshly loaded model so that its first real caller does not pay
     * for the runtime's lazy allocations. A model that rejects the made-up row is simply not
     * warmed: the row proves nothing about the model.
     */
    private static void warmUp(Scorer scorer) {
        List<FeatureSpec> features = scorer.features();
        if (features.isEmpty()) {
            return;
        }
        Map<String, Object> row = new HashMap<>();
        for (FeatureSpec f : features) {
            switch (f.type()) {
                case NUMBER -> row.put(f.name(), 0.0);
                case STRING -> row.put(f.name(), "");
                case BOOLEAN -> row.put(f.name(), Boolean.FALSE);
                case NUMBER_VECTOR -> {
                    return; // its width is not known here
                }
                default -> throw new IllegalStateException("unexpected feature type " + f.type());
            }
        }
        try {
            // As a batch of one: through a micro-batching scorer, score() would wait out its delay.
            List<Map<String, Object>> rows = List.of(row);
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                scorer.scoreBatch(rows);
            }
        } catch (InvalidArgumentException e) {
            LOG.debug("{} not warmed up: it rejects a row of zeros and empty strings ({})", scorer.version().uri(),
                    e.getMessage());
        }
    }

    @Override
    public List<ServedModel> status() {
        List<ServedModel> all = new ArrayList<>();
        for (Served s : served.values()) {
            ServedModel snapshot = s.snapshot();
            if (snapshot != null) {
                all.add(snapshot);
            }
        }
        all.sort(java.util.Comparator.comparing(m -> m.uri().toString()));
        return List.copyOf(all);
    }

    @Override
    public Optional<ServedModel> status(ModelUri uri) {
        Served s = served.get(uri);
        return s == null ? Optional.empty() : Optional.ofNullable(s.snapshot());
    }

    @Override
    public boolean healthy() {
        if (closed || served.isEmpty()) {
            return false;
        }
        return served.values().stream().allMatch(s -> s.state == ServingState.SERVING);
    }

    private void requireOpen() {
        if (closed) {
            throw new ConflictException("the model server is closed; build a new one");
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        changes.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Served s : served.values()) {
                LoadedVersion loaded = s.current.getAndSet(null);
                if (loaded != null) {
                    loaded.release();
                }
            }
        } finally {
            changes.unlock();
        }
        try {
            poller.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (predictionLog != null) {
            predictionLog.close();
        }
        LOG.info("Model server closed ({} model URIs served)", served.size());
    }

    /** The prediction logger, for tests and the drift monitor; null when not logging. */
    public PredictionLogger predictionLog() {
        return predictionLog;
    }

    @Override
    public String toString() {
        return "ModelServer" + status();
    }
}
