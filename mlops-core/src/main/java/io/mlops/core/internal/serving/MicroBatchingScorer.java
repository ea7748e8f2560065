package io.mlops.core.internal.serving;

import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 *
 * <p>Only one dispatcher collects at a time, so batches fill up instead of being shared out, and
 * it sleeps through the delay rather than waking for each arriving row; the caller whose row
 * fills the batch wakes it early. The queue takes no lock. Both matter with many callers on few
 * cores: a wake-up per row, or callers queueing behind a lock whose holder was descheduled, cost
 * more than the scoring that batching saves on a small model.
 *
 * <p>When callers outnumber the cores and batches leave full, a caller waits by yielding its
 * core a bounded number of times before it parks. The core then goes to another caller, and the
 * answer usually arrives within those turns, so the dispatcher's unpark finds the caller still
 * running. Waking a parked caller instead costs a futex wake and, on a virtual machine, often an
 * inter-processor interrupt: about 11 µs of CPU per call on a 2-vCPU VM (BENCHMARKS.md,
 * 2026-12-03), which there capped batched throughput below what batching saves. With no more
 * callers than cores a yield would find nothing else to run, and while batches leave on the
 * delay the wait is the delay itself; in both cases callers park at once.
 *
 * <p>If every dispatcher stops (an {@link Error} from the model, or an interrupt from outside),
 * the queued callers are failed and later calls refused, as after {@link #close()}, rather than
 * left parked with nobody to answer them.
 */
public final class MicroBatchingScorer implements Scorer {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchingScorer.class);
    /** Room for this many full batches in the queue before callers are held back. */
    private static final int QUEUED_BATCHES = 16;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int MAX_DISPATCHERS = 4;
    /**
     * Turns a caller gives up before parking. Bounded so that yielding callers soon leave the
     * run queue to the dispatchers; 16 was measured on a 2-vCPU VM only (10 and 100 did as well).
     */
    private static final int YIELDS_BEFORE_PARK = 16;

    private final Scorer delegate;
    private final long delayNanos;
    private final int maxRows;
    private final int capacity;
    private final Queue<PendingRow> queue = new ConcurrentLinkedQueue<>();
    /** Rows in the queue, kept beside it because the queue's own size() walks it; a close estimate. */
    private final AtomicInteger queued = new AtomicInteger();
    private final List<Thread> dispatchers;
    /** The dispatcher collecting the next batch; cleared by whoever ends the collection first. */
    private final AtomicReference<Thread> collector = new AtomicReference<>();
    /** Dispatchers parked with nothing to do, by slot; a caller claims one by clearing its slot. */
    private final AtomicReferenceArray<Thread> idle;
    /**
     * Whether the last batch drained held maxRows rows: a hint that callers are at least as many
     * as a batch takes. Dispatchers write it without coordinating, and only on change, since every
     * caller reads it. Package-private for tests.
     */
    volatile boolean batchesFull;
    /** Callers inside {@link #score}; yielding pays only while they outnumber {@link #crowdedAbove}. */
    private final AtomicInteger callers = new AtomicInteger();
    private final int crowdedAbove;
    /** Dispatchers still running; when the last one stops, calls are refused as after close(). */
    private final AtomicInteger running;
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
        this(delegate, delayNanos, maxRows, Runtime.getRuntime().availableProcessors());
    }

    /** @param crowdedAbove callers waiting yield before parking only while more than this many call at once */
    MicroBatchingScorer(Scorer delegate, long delayNanos, int maxRows, int crowdedAbove) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (delayNanos <= 0 || maxRows < 1) {
            throw new IllegalArgumentException("delayNanos " + delayNanos + " and maxRows " + maxRows + " must be positive");
        }
        this.delayNanos = delayNanos;
        this.maxRows = maxRows;
        this.capacity = maxRows * QUEUED_BATCHES;
        this.crowdedAbove = crowdedAbove;
        ModelVersion v = delegate.version();
        int count = Math.min(MAX_DISPATCHERS, Runtime.getRuntime().availableProcessors());
        List<Thread> threads = new ArrayList<>(count);
        this.idle = new AtomicReferenceArray<>(count);
        this.running = new AtomicInteger(count);
        for (int i = 0; i < count; i++) {
            int slot = i;
            Thread t = new Thread(() -> dispatch(slot), "mlops-microbatch-" + v.name() + "-v" + v.version() + "-" + i);
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
        if (refusing()) {
            throw unavailable();
        }
        int crowd = callers.incrementAndGet();
        try {
            return queueAndWait(row, crowd > crowdedAbove);
        } finally {
            callers.decrementAndGet();
        }
    }

    private Prediction queueAndWait(Map<String, ?> row, boolean crowded) {
        PendingRow pending = new PendingRow(row, Thread.currentThread());
        boolean interrupted = false;
        while (queued.get() >= capacity) {
            // Held back until the dispatchers catch up; a batch takes about the delay to clear.
            LockSupport.parkNanos(this, delayNanos);
            interrupted |= Thread.interrupted();
            if (refusing()) {
                restoreInterrupt(interrupted);
                throw unavailable();
            }
        }
        queue.offer(pending);
        int waiting = queued.incrementAndGet();
        Thread collecting = collector.get();
        if (collecting == null) {
            wakeIdleDispatcher();
        } else if (waiting >= maxRows && collector.compareAndSet(collecting, null)) {
            LockSupport.unpark(collecting);
        }
        // close() may have run between the check above and offer(): the dispatchers may be gone.
        if (refusing() && queue.remove(pending)) {
            queued.decrementAndGet();
            restoreInterrupt(interrupted);
            throw unavailable();
        }
        if (crowded && batchesFull) {
            // Stay runnable so that the dispatcher's unpark needs no futex wake; see the class comment.
            for (int i = 0; i < YIELDS_BEFORE_PARK && !pending.done; i++) {
                Thread.yield();
            }
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
        ensureOpen();
        return delegate.scoreBatch(rows);
    }

    @Override
    public List<Prediction> scoreColumns(FeatureColumns columns) {
        ensureOpen();
        return delegate.scoreColumns(columns);
    }

    @Override
    public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
        ensureOpen();
        return delegate.scoreTensors(inputs);
    }

    private void wakeIdleDispatcher() {
        for (int i = 0; i < idle.length(); i++) {
            Thread t = idle.get(i);
            if (t != null && idle.compareAndSet(i, t, null)) {
                LockSupport.unpark(t);
                return;
            }
        }
    }

    private void dispatch(int slot) {
        Thread self = Thread.currentThread();
        List<PendingRow> batch = new ArrayList<>(maxRows);
        List<Map<String, ?>> rows = new ArrayList<>(maxRows);
        try {
            while ((!closed || !queue.isEmpty()) && !self.isInterrupted()) {
                if (queue.isEmpty() || !collector.compareAndSet(null, self)) {
                    idle.set(slot, self);
                    // Checked again after the slot is visible, so a row queued meanwhile is not missed.
                    if (queue.isEmpty() || collector.get() != null) {
                        LockSupport.parkNanos(this, IDLE_POLL_NANOS);
                    }
                    idle.set(slot, null);
                    continue;
                }
                long deadline = System.nanoTime() + delayNanos;
                long left;
                while (collector.get() == self && queued.get() < maxRows && !closed
                        && (left = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(this, left);
                }
                collector.compareAndSet(self, null);
                PendingRow next;
                while (batch.size() < maxRows && (next = queue.poll()) != null) {
                    batch.add(next);
                }
                queued.addAndGet(-batch.size());
                if (!queue.isEmpty()) {
                    wakeIdleDispatcher(); // to collect the next batch while this one runs
                }
                if (batch.isEmpty()) {
                    continue; // another dispatcher drained it: says nothing about how full batches are
                }
                boolean full = maxRows > 1 && batch.size() == maxRows;
                if (batchesFull != full) {
                    batchesFull = full;
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
        } catch (Error e) {
            LOG.error("micro-batch dispatcher of {} stopped", delegate.version().uri(), e);
            batch.forEach(p -> p.complete(null, new ConflictException("micro-batching of " + delegate.version().uri()
                    + " stopped: " + e, e)));
        } finally {
            collector.compareAndSet(self, null);
            // Counted down before the drain: a caller queueing after it sees refusing() and takes its row back.
            boolean last = running.decrementAndGet() == 0;
            if (last || closed) {
                PendingRow left;
                while ((left = queue.poll()) != null) {
                    left.complete(null, unavailable());
                }
            }
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

    /** Closed, or every dispatcher has stopped. */
    private boolean refusing() {
        return closed || running.get() == 0;
    }

    private ConflictException unavailable() {
        if (closed) {
            return closedException();
        }
        return new ConflictException("micro-batching of " + delegate.version().uri()
                + " stopped after an error (see the log); load the model again to score");
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
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
        dispatchers.forEach(LockSupport::unpark); // a collector sends its rows now instead of after the delay
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
