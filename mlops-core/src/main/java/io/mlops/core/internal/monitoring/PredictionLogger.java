package io.mlops.core.internal.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.spi.PredictionLogEntry;
import io.mlops.api.spi.PredictionLogStore;
import io.mlops.core.internal.Ids;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs predictions without slowing or failing scoring: the scoring thread samples, copies the row
 * and offers it to a bounded queue (dropping it when full); one daemon thread serialises and writes
 * batches to the store, and a failed write loses that batch, counted and logged, never an answer.
 *
 * <p>Meters (with a registry): counters {@code mlops.predictions.logged}, {@code .dropped}
 * (queue full) and {@code .failed} (store write failed), and gauge {@code mlops.predictions.queued}.
 */
public final class PredictionLogger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionLogger.class);
    /** Longest {@link #close()} waits for queued predictions to be written. */
    private static final long CLOSE_DRAIN_MILLIS = 5_000;
    /** How often an idle writer looks whether it is being closed. */
    private static final long IDLE_POLL_MILLIS = 100;
    /** At most one warning per this many milliseconds about failed writes, so a store outage does not flood the log. */
    private static final long WARNING_INTERVAL_MILLIS = 60_000;

    private record Pending(ModelVersion version, String requestId, long loggedAt, long latencyMicros, Map<String, Object> row,
            Prediction prediction) {
    }

    private final PredictionLogStore store;
    private final PredictionLogOptions options;
    private final Clock clock;
    private final BlockingQueue<Pending> queue;
    private final Thread writer;
    private final AtomicLong logged = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** Predictions accepted into the queue, and those the writer has finished with (written or failed). */
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final Counter loggedCounter;
    private final Counter droppedCounter;
    private final Counter failedCounter;
    private volatile boolean closing;
    private long lastWarning = Long.MIN_VALUE;

    public PredictionLogger(PredictionLogStore store, PredictionLogOptions options, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.options = options;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        if (meters != null) {
            loggedCounter = Counter.builder("mlops.predictions.logged").description("Predictions written to the prediction log")
                    .register(meters);
            droppedCounter = Counter.builder("mlops.predictions.dropped")
                    .description("Sampled predictions not logged because the queue was full").register(meters);
            failedCounter = Counter.builder("mlops.predictions.failed")
                    .description("Predictions lost because the store refused the write").register(meters);
            Gauge.builder("mlops.predictions.queued", queue, BlockingQueue::size)
                    .description("Predictions waiting to be written").register(meters);
        } else {
            loggedCounter = null;
            droppedCounter = null;
            failedCounter = null;
        }
        writer = new Thread(this::writeLoop, "mlops-prediction-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Called on the scoring thread after a successful call; cheap when the call is not sampled and
     * never throws.
     *
     * @param requestId the caller's id, or null to make one up
     */
    public void offer(ModelVersion version, String requestId, Map<String, ?> row, Prediction prediction, long latencyNanos) {
        double rate = options.sampleRate();
        if (rate < 1.0 && (rate == 0.0 || ThreadLocalRandom.current().nextDouble() >= rate)) {
            return;
        }
        try {
            // Copied now: the caller may reuse its map, and its arrays, once the call returns.
            Pending pending = new Pending(version, requestId == null ? Ids.newId() : requestId, clock.millis(),
                    TimeUnit.NANOSECONDS.toMicros(latencyNanos), copy(row), prediction);
            if (!closing && queue.offer(pending)) {
                accepted.incrementAndGet();
                if (closing && queue.remove(pending)) {
                    // Queued just as close() drained the queue: nobody will write it.
                    accepted.decrementAndGet();
                    dropped(1);
                }
            } else {
                dropped(1);
            }
        } catch (RuntimeException e) {
            // A row that cannot even be copied (a map whose iteration throws) must not fail the call it came with.
            dropped(1);
        }
    }

    private void dropped(int count) {
        dropped.addAndGet(count);
        if (droppedCounter != null) {
            droppedCounter.increment(count);
        }
    }

    private static Map<String, Object> copy(Map<String, ?> row) {
        Map<String, Object> copy = new HashMap<>(row.size() * 2);
        row.forEach((name, value) -> copy.put(name, value instanceof float[] f ? f.clone()
                : value instanceof double[] d ? d.clone()
                : value instanceof java.util.Collection<?> c ? new ArrayList<>(c) : value));
        return copy;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(options.batchSize());
        long flushNanos = options.flushInterval().toNanos();
        try {
            while (true) {
                Pending first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                // Fill the batch for up to the flush interval: fewer, larger writes under load.
                long deadline = System.nanoTime() + flushNanos;
                while (batch.size() < options.batchSize() && !closing) {
                    queue.drainTo(batch, options.batchSize() - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= options.batchSize() || left <= 0) {
                        break;
                    }
                    Pending next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MILLIS)), TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                queue.drainTo(batch, options.batchSize() - batch.size());
                write(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(List<Pending> batch) {
        List<PredictionLogEntry> entries = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                entries.add(new PredictionLogEntry(p.version().name(), p.version().version(), p.requestId(), p.loggedAt(),
                        p.latencyMicros(), PredictionPayload.write(p.row(), p.prediction()), Optional.empty()));
            } catch (RuntimeException e) {
                failed(1, e);
            }
        }
        try {
            if (entries.isEmpty()) {
                return;
            }
            store.appendPredictions(entries);
            logged.addAndGet(entries.size());
            if (loggedCounter != null) {
                loggedCounter.increment(entries.size());
            }
        } catch (RuntimeException e) {
            failed(entries.size(), e);
        } finally {
            synchronized (processed) {
                processed.addAndGet(batch.size());
                processed.notifyAll();
            }
        }
    }

    private void failed(int count, RuntimeException e) {
        failed.addAndGet(count);
        if (failedCounter != null) {
            failedCounter.increment(count);
        }
        long now = System.currentTimeMillis();
        if (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARNING_INTERVAL_MILLIS) {
            lastWarning = now;
            LOG.warn("{} predictions could not be logged ({} lost so far); scoring goes on: {}", count, failed.get(), e.toString());
        }
    }

    /** Predictions written to the store. */
    public long logged() {
        return logged.get();
    }

    /** Sampled predictions dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Predictions lost because the store refused them. */
    public long failed() {
        return failed.get();
    }

    /**
     * Waits until everything offered before this call has been written or has failed, up to the
     * timeout; for tests, and for a monitor that wants the latest rows.
     *
     * @return whether the queue was drained in time
     */
    public boolean flush(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long target = accepted.get();
        synchronized (processed) {
            while (processed.get() < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                processed.wait(left);
            }
        }
        return true;
    }

    /** Writes what is queued (for up to 5 s), then stops the writer; later offers are dropped. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(CLOSE_DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
            LOG.warn("prediction log writer did not finish within {} ms; {} queued predictions are lost", CLOSE_DRAIN_MILLIS,
                    queue.size());
        }
        // An offer that passed its closing check just as the writer stopped may still have queued an
        // entry: count it as dropped, so that logged + dropped + failed covers every accepted call.
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            dropped(left.size());
            synchronized (processed) {
                processed.addAndGet(left.size());
                processed.notifyAll();
            }
        }
    }
}
