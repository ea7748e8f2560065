package io.mlops.core.internal.serving;

import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces concurrent single-row calls into one batch run of the scorer it wraps.
 *
 * <p>Callers queue their row and park; a dispatcher thread takes the oldest row, waits at most
 * the configured delay for more (or until the batch is full), runs them as one batch and hands
 * each caller its own answer. The gain comes from the runtime's fixed per-call cost (tensor
 * creation, session run, output reading) being paid once per batch instead of once per row.
 * There is one dispatcher per core (at most {@value #MAX_DISPATCHERS}): with a single one, the
 * next batch could not be collected while the last one runs, and the other cores would idle.
 */
public final class MicroBatchingScorer implements Scorer {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchingScorer.class);
    /** Room for this many full batches in the queue before callers are held back. */
    private static final int QUEUED_BATCHES = 16;
    private static final long IDLE_POLL_MILLIS = 100;
    static final int MAX_DISPATCHERS = 4;

    private final Scorer delegate;
    private final long delayNanos;
    private final int maxRows;
    private final BlockingQueue<PendingRow> queue;
    private final List<Thread> dispatchers;
    private volatile boolean closed;

    /** One caller's row and, once scored, its answer. */
    private static final class PendingRow {
        final Map<String, ?> row;
        final Thread caller;
        volatile boolean done;
        Prediction prediction;
        RuntimeException failure;

        PendingRow(Map<String, ?> row, Thread caller) {
            this.row = row;
            this.caller = caller;
        }

        void complete(Prediction p, RuntimeException e) {
            prediction = p;
            failure = e;
            done = true; // volatile write publishes the two fields above
            LockSupport.unpark(caller);
        }
    }

    public MicroBatchingScorer(Scorer delegate, long delayNanos, int maxRows) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (delayNanos <= 0 || maxRows < 1) {
            throw new IllegalArgumentException("delayNanos " + delayNanos + " and maxRows " + maxRows + " must be positive");
        }
        this.delayNanos = delayNanos;
        this.maxRows = maxRows;
        this.queue = new ArrayBlockingQueue<>(maxRows * QUEUED_BATCHES);
        ModelVersion v = delegate.version();
        int count = Math.min(MAX_DISPATCHERS, Runtime.getRuntime().availableProcessors());
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(this::dispatch, "mlops-microbatch-" + v.name() + "-v" + v.version() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        this.dispatchers = List.copyOf(threads);
        dispatchers.forEach(Thread::start);
    }

    @Override
    public ModelVersion version() {
        return delegate.version();
    }

    @Override
    public List<FeatureSpec> features() {
        return delegate.features();
    }

    @Override
    public Prediction score(Map<String, ?> row) {
        Objects.requireNonNull(row, "row");
        if (closed) {
            throw closedException();
        }
        PendingRow pending = new PendingRow(row, Thread.currentThread());
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(pending);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // close() may have run between the check above and put(): the dispatcher may be gone.
        if (closed && queue.remove(pending)) {
            restoreInterrupt(interrupted);
            throw closedException();
        }
        while (!pending.done) {
            LockSupport.park(this);
            // The row is already queued; giving up now would leave its answer to nobody, and it
            // arrives within one batch, so an interrupt is only remembered.
            interrupted |= Thread.interrupted();
        }
        restoreInterrupt(interrupted);
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.prediction;
    }

    @Override
    public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
        if (closed) {
            throw closedException();
        }
        return delegate.scoreBatch(rows);
    }

    @Override
    public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
        if (closed) {
            throw closedException();
        }
        return delegate.scoreTensors(inputs);
    }

    private void dispatch() {
        List<PendingRow> batch = new ArrayList<>(maxRows);
        List<Map<String, ?>> rows = new ArrayList<>(maxRows);
        try {
            while (!closed || !queue.isEmpty()) {
                PendingRow first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + delayNanos;
                while (batch.size() < maxRows) {
                    queue.drainTo(batch, maxRows - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxRows || left <= 0) {
                        break;
                    }
                    PendingRow next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                try {
                    run(batch, rows);
                } catch (RuntimeException e) {
                    // This batch's callers get the failure; the dispatcher lives on for the next ones,
                    // so that callers arriving later are not left parked with nobody to answer them.
                    LOG.error("micro-batch of {} failed", delegate.version().uri(), e);
                    batch.forEach(p -> p.complete(null, e));
                }
                batch.clear();
                rows.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            LOG.error("micro-batch dispatcher of {} stopped", delegate.version().uri(), e);
            batch.forEach(p -> p.complete(null, new ConflictException("micro-batching of " + delegate.version().uri()
                    + " stopped: " + e, e)));
        } finally {
            List<PendingRow> left = new ArrayList<>();
            queue.drainTo(left);
            left.forEach(p -> p.complete(null, closedException()));
        }
    }

    private void run(List<PendingRow> batch, List<Map<String, ?>> rows) {
        for (PendingRow p : batch) {
            rows.add(p.row);
        }
        List<Prediction> predictions;
        try {
            predictions = delegate.scoreBatch(rows);
        } catch (InvalidArgumentException e) {
            if (batch.size() == 1) {
                batch.get(0).complete(null, e);
                return;
            }
            // One caller's bad row must not fail the others: score each on its own, so every
            // caller gets its own answer or its own error naming its row.
            for (PendingRow p : batch) {
                try {
                    p.complete(delegate.score(p.row), null);
                } catch (RuntimeException rowFailure) {
                    p.complete(null, rowFailure);
                }
            }
            return;
        } catch (RuntimeException e) {
            batch.forEach(p -> p.complete(null, e));
            return;
        }
        if (predictions.size() != batch.size()) {
            throw new IllegalStateException(delegate.version().uri() + " answered " + predictions.size()
                    + " predictions for a batch of " + batch.size() + " rows");
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).complete(predictions.get(i), null);
        }
    }

    private ConflictException closedException() {
        return new ConflictException("scorer for " + delegate.version().uri() + " is closed; load the model again to score");
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking rows, answers the queued ones, then closes the wrapped scorer. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            for (Thread t : dispatchers) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dispatchers.stream().anyMatch(Thread::isAlive)) {
            LOG.warn("micro-batch dispatcher of {} did not finish within 10 s; closing the model anyway",
                    delegate.version().uri());
        }
        delegate.close();
    }

    @Override
    public String toString() {
        return "MicroBatchingScorer[" + delegate + ", delay=" + delayNanos + "ns, maxRows=" + maxRows + "]";
    }
}
