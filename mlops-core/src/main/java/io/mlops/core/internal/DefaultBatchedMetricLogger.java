package io.mlops.core.internal;

import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.IntegrityException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.spi.TrackingStore;
import io.mlops.api.tracking.BatchedMetricLogger;
import io.mlops.api.tracking.BatchingOptions;
import io.mlops.api.tracking.FullBufferPolicy;
import io.mlops.api.tracking.Metric;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched logger: callers append to a bounded buffer, one daemon thread writes batches.
 *
 * <p>A point leaves the buffer only once the store has accepted the batch holding it, so the
 * buffer is the single record of what is not stored yet: {@link #pending()} is its size, the
 * capacity bounds it, and a failed write simply leaves the batch in place to be written again.
 * Re-writing a batch that did commit before the connection broke is harmless because stores keep
 * identical points once ({@link TrackingStore#logMetrics}).
 *
 * <p>One lock guards all state; the store is only called without holding it. Counters are
 * cumulative ({@code accepted} points taken, {@code stored} points written), and because the
 * buffer is FIFO and only the writer removes from it, "every point taken before this flush is
 * stored" is exactly {@code stored >= accepted-at-flush-time}.
 */
final class DefaultBatchedMetricLogger implements BatchedMetricLogger {

    private static final Logger LOG = LoggerFactory.getLogger(BatchedMetricLogger.class);

    private final TrackingStore store;
    private final String runId;
    private final BatchingOptions options;
    private final Clock clock;
    private final Thread writer;

    private final ReentrantLock lock = new ReentrantLock();
    /** The writer has something to do: a batch is full, a flush or close was asked, or the delay started. */
    private final Condition work = lock.newCondition();
    /** Points were stored (or the writer stopped): flush, close and blocked callers re-check. */
    private final Condition progress = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<Metric> buffer;
    private long accepted;
    private long stored;
    /** The points at the head of the buffer that the writer is writing now. */
    private int inFlight;
    /** When the oldest point not yet taken into a batch arrived (System.nanoTime). */
    private long unsentSince;
    /** Highest {@code accepted} a flush waits for; the writer writes partial batches until it is stored. */
    private long flushTarget;
    private boolean closed;
    private boolean stopped;
    /** Why the writer stopped for good; rethrown from every later call. */
    private MlopsException failure;
    /** The last retryable write failure, for the message of a flush that timed out; null after a success. */
    private MlopsException lastRetryableFailure;

    DefaultBatchedMetricLogger(TrackingStore store, String runId, BatchingOptions options, Clock clock) {
        this.store = store;
        this.runId = runId;
        this.options = options;
        this.clock = clock;
        this.buffer = new ArrayDeque<>(Math.min(options.bufferCapacity(), 4 * options.maxBatchSize()));
        this.writer = new Thread(this::writeUntilStopped, "mlops-metrics-" + runId.substring(0, Math.min(8, runId.length())));
        writer.setDaemon(true);
    }

    /** Starts the writer; separate from the constructor so that no thread sees a half-built logger. */
    DefaultBatchedMetricLogger start() {
        writer.start();
        return this;
    }

    @Override
    public void logMetric(String key, double value, long step) {
        logMetric(key, value, step, clock.millis());
    }

    @Override
    public void logMetric(String key, double value, long step, long timestamp) {
        Validation.metricValue(Validation.key("metric", key), value);
        Validation.metricStep(key, step);
        Metric point = new Metric(key, value, step, timestamp);
        lock.lock();
        try {
            while (true) {
                if (failure != null || closed) {
                    // Inside the condition: the hot path builds no message.
                    checkUsable("log metric '" + key + "'");
                }
                if (buffer.size() < options.bufferCapacity()) {
                    break;
                }
                if (options.onFull() == FullBufferPolicy.FAIL) {
                    throw new StoreUnavailableException("cannot log metric '" + key + "' at step " + step + " to run '"
                            + runId + "': the buffer is full (" + buffer.size() + " of " + options.bufferCapacity()
                            + " points not stored yet" + lastFailureText() + "); the point was not taken, log it again"
                            + " later or use FullBufferPolicy.BLOCK");
                }
                awaitRoom("log metric '" + key + "' while the buffer is full");
            }
            if (buffer.size() == inFlight) {
                unsentSince = System.nanoTime();
                // The writer may be waiting without a deadline; it has to start the delay now.
                work.signal();
            }
            buffer.addLast(point);
            accepted++;
            if (buffer.size() - inFlight == options.maxBatchSize()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            checkUsable("flush");
            awaitStored(accepted, "flush");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int pending() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Flushes and stops the writer. If the points cannot be stored within the close timeout the
     * writer is stopped anyway and the exception says how many points were not stored; a failed
     * logger fails every later close the same way, so the loss is never reported as success.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                if (failure != null) {
                    throw rethrown(failure, "close");
                }
                return;
            }
            closed = true;
            boolean gaveUp = true;
            try {
                if (failure != null) {
                    throw rethrown(failure, "close");
                }
                awaitStored(accepted, "close");
                gaveUp = false;
            } catch (MlopsException e) {
                if (failure == null) {
                    failure = e;
                }
                throw e;
            } finally {
                stopped = true;
                work.signalAll();
                progress.signalAll();
                if (gaveUp) {
                    // The writer may be inside a store call; it must not go on writing points
                    // whose loss close() reports.
                    writer.interrupt();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "BatchedMetricLogger[run " + runId + ", pending " + buffer.size() + ", stored " + stored
                    + (failure != null ? ", failed" : closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }

    // ---- caller side, lock held

    private void checkUsable(String action) {
        if (failure != null) {
            throw rethrown(failure, action);
        }
        if (closed) {
            throw new ConflictException("cannot " + action + ": the batched metric logger of run '" + runId + "' is closed");
        }
    }

    private void awaitStored(long target, String action) {
        flushTarget = Math.max(flushTarget, target);
        work.signal();
        long remaining = options.closeTimeout().toNanos();
        while (stored < target) {
            if (failure != null) {
                throw rethrown(failure, action);
            }
            if (remaining <= 0) {
                throw new StoreUnavailableException("cannot " + action + " the batched metric logger of run '" + runId
                        + "': " + (target - stored) + " point(s) were not stored within " + options.closeTimeout()
                        + lastFailureText() + "; " + (closed ? "they are given up (a write under way may still store some)"
                        : "they are kept and retried"),
                        lastRetryableFailure);
            }
            try {
                remaining = progress.awaitNanos(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting to " + action
                        + " the batched metric logger of run '" + runId + "'; " + (target - stored)
                        + " point(s) were not stored yet; " + (closed ? "they are given up" : "they are kept and retried"), e);
            }
        }
    }

    private void awaitRoom(String action) {
        try {
            progress.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting to " + action + " of run '" + runId
                    + "'; the point was not taken", e);
        }
    }

    private String lastFailureText() {
        return lastRetryableFailure == null ? "" : "; last failure: " + lastRetryableFailure.getMessage();
    }

    /**
     * A new exception of the failure's kind, so that callers can catch {@code NotFoundException}
     * as they would from a direct call, thrown in the caller's thread with the writer's failure as
     * its cause.
     */
    private MlopsException rethrown(MlopsException cause, String action) {
        String message = "cannot " + action + ": the batched metric logger of run '" + runId + "' stopped because a write"
                + " failed and " + buffer.size() + " point(s) were not stored: " + cause.getMessage();
        if (cause instanceof NotFoundException) {
            return new NotFoundException(message, cause);
        } else if (cause instanceof ConflictException) {
            return new ConflictException(message, cause);
        } else if (cause instanceof InvalidArgumentException) {
            return new InvalidArgumentException(message, cause);
        } else if (cause instanceof AlreadyExistsException) {
            return new AlreadyExistsException(message, cause);
        } else if (cause instanceof PermissionDeniedException) {
            return new PermissionDeniedException(message, cause);
        } else if (cause instanceof IntegrityException) {
            return new IntegrityException(message, cause);
        } else if (cause instanceof StoreUnavailableException) {
            return new StoreUnavailableException(message, cause);
        }
        return new MlopsException(message, cause);
    }

    // ---- writer side

    private void writeUntilStopped() {
        try {
            List<Metric> batch;
            while ((batch = nextBatch()) != null) {
                if (!write(batch)) {
                    return;
                }
                lock.lock();
                try {
                    for (int i = 0; i < batch.size(); i++) {
                        buffer.removeFirst();
                    }
                    inFlight = 0;
                    stored += batch.size();
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (RuntimeException | Error e) {
            // Not a store's documented failure (a bug, or a store closed under the logger): recorded
            // like one so that the next call reports it instead of waiting for a dead writer.
            LOG.error("The batched metric logger of run {} stopped unexpectedly", runId, e);
            stopWith(new MlopsException("the batched metric logger of run '" + runId + "' failed: " + e, e));
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    /** Waits until a batch is due and returns it, or null once the logger is stopped. */
    private List<Metric> nextBatch() {
        lock.lock();
        try {
            long delay = options.maxDelay().toNanos();
            while (true) {
                if (stopped || failure != null) {
                    return null;
                }
                // Nothing is in flight here: this thread is the only writer.
                int unsent = buffer.size();
                long waited = System.nanoTime() - unsentSince;
                if (unsent >= options.maxBatchSize()
                        || (unsent > 0 && (stored < flushTarget || closed || waited >= delay))) {
                    break;
                }
                try {
                    if (unsent == 0) {
                        work.await();
                    } else {
                        work.awaitNanos(delay - waited);
                    }
                } catch (InterruptedException e) {
                    // Only a failed close() interrupts the writer, after setting stopped; the loop sees it.
                }
            }
            int size = Math.min(buffer.size(), options.maxBatchSize());
            List<Metric> batch = new ArrayList<>(size);
            Iterator<Metric> it = buffer.iterator();
            for (int i = 0; i < size; i++) {
                batch.add(it.next());
            }
            // Points left behind keep unsentSince although they arrived later: they only go sooner.
            inFlight = size;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes one batch, retrying while the store is unavailable.
     *
     * @return false if the logger stopped instead (a non-retryable failure, or close gave up)
     */
    private boolean write(List<Metric> batch) {
        long backoff = options.initialBackoff().toNanos();
        long failingSince = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                store.logMetrics(runId, batch);
                if (attempt > 1) {
                    LOG.info("Stored {} metric point(s) of run {} after {} attempts ({} ms of failures)", batch.size(),
                            runId, attempt, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingSince));
                    clearRetryableFailure();
                }
                return true;
            } catch (MlopsException e) {
                if (!e.retryable()) {
                    LOG.error("Stopping the batched metric logger of run {}: a write of {} point(s) failed and is not"
                            + " retryable", runId, batch.size(), e);
                    stopWith(e);
                    return false;
                }
                if (attempt == 1) {
                    failingSince = System.nanoTime();
                    LOG.warn("Writing {} metric point(s) of run {} failed, retrying with backoff from {} ms up to {} ms: {}",
                            batch.size(), runId, options.initialBackoff().toMillis(), options.maxBackoff().toMillis(),
                            e.getMessage());
                } else {
                    LOG.debug("Attempt {} to write {} metric point(s) of run {} failed: {}", attempt, batch.size(), runId,
                            e.getMessage());
                }
                if (!backOff(e, backoff)) {
                    return false;
                }
                backoff = Math.min(backoff * 2, options.maxBackoff().toNanos());
            }
        }
    }

    /** Records a retryable failure and waits; false if the logger was stopped meanwhile. */
    private boolean backOff(MlopsException e, long nanos) {
        lock.lock();
        try {
            lastRetryableFailure = e;
            long remaining = nanos;
            while (remaining > 0 && !stopped) {
                try {
                    // Not the work condition: a flush must not cut the backoff short and hammer a
                    // store that is down.
                    remaining = progress.awaitNanos(remaining);
                } catch (InterruptedException interrupted) {
                    // Only a failed close() interrupts the writer, after setting stopped; the loop sees it.
                }
            }
            return !stopped;
        } finally {
            lock.unlock();
        }
    }

    private void clearRetryableFailure() {
        lock.lock();
        try {
            lastRetryableFailure = null;
        } finally {
            lock.unlock();
        }
    }

    private void stopWith(MlopsException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            stopped = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
