package io.mlops.core.internal;

import java.security.MessageDigest;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SHA-256 of a stream, computed on another core while its reader goes on reading.
 *
 * <p>Hashing is sequential and, with the CPU's SHA extensions, runs at about 1.6 GB/s on one
 * core: slower than a file read from the page cache. Hashing on the reader's thread therefore adds
 * the two times up. Here the reader copies what it read into one of {@value #CHUNKS} buffers of
 * {@value #CHUNK_BYTES} bytes and carries on; a shared pool hashes the full buffers in order, one
 * task per stream at a time. At most that many buffers exist per stream, so memory stays bounded
 * and a reader faster than the hash waits for a buffer to come back. A task hashes at most that
 * many buffers before it goes to the back of the pool's queue, so one fast stream cannot keep a
 * pool thread while other streams wait.
 *
 * <p>One thread reads, as with any stream. Hash tasks never wait for the reader, so a reader that
 * stops halfway (or closes early) holds no pool thread. If hashing fails (a task that could not be
 * started, an {@link Error} in one), every later call on the reader's side throws instead of
 * waiting for buffers that will never come back.
 */
final class BackgroundDigest implements StreamDigest {
    static final int CHUNK_BYTES = 256 * 1024;
    static final int CHUNKS = 4;
    private static final ExecutorService HASHERS = hashers();

    private final MessageDigest digest;
    /**
     * A permit per buffer neither being filled nor waiting to be hashed; {@link #finish()} takes
     * all of them to know every chunk is hashed.
     */
    private final Semaphore bufferPermits = new Semaphore(CHUNKS);
    private final Queue<Chunk> filled = new ConcurrentLinkedQueue<>();
    private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();
    /** Whether a task holds this stream's chunks; keeps them in order and on one thread at a time. */
    private final AtomicBoolean hashing = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The buffer being filled, never empty while set. */
    private byte[] current;
    private int used;

    private record Chunk(byte[] bytes, int length) {
    }

    BackgroundDigest() {
        this(Digests.sha256());
    }

    /** For tests: a digest that can be made to fail. */
    BackgroundDigest(MessageDigest digest) {
        this.digest = digest;
    }

    @Override
    public void update(byte b) {
        if (current == null) {
            current = takeBuffer();
        }
        current[used++] = b;
        if (used == current.length) {
            handOver();
        }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        while (length > 0) {
            if (current == null) {
                current = takeBuffer();
            }
            int n = Math.min(length, current.length - used);
            System.arraycopy(bytes, offset, current, used, n);
            used += n;
            offset += n;
            length -= n;
            if (used == current.length) {
                handOver();
            }
        }
    }

    /**
     * Waits for every byte given so far to be hashed, and returns the digest. Call once.
     *
     * @throws IllegalStateException if hashing failed, so the digest is unknown
     */
    @Override
    public byte[] finish() {
        if (current != null) {
            handOver();
        }
        // Uninterruptible: the wait is for tasks that always end, successfully or by failing this stream.
        bufferPermits.acquireUninterruptibly(CHUNKS);
        throwIfFailed();
        return digest.digest();
    }

    private byte[] takeBuffer() {
        bufferPermits.acquireUninterruptibly();
        throwIfFailed();
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[CHUNK_BYTES];
    }

    private void handOver() {
        filled.add(new Chunk(current, used));
        current = null;
        used = 0;
        if (hashing.compareAndSet(false, true)) {
            schedule();
        }
    }

    private void schedule() {
        try {
            HASHERS.execute(this::hashFilled);
        } catch (RuntimeException | Error e) { // rejected, or no thread could be started
            fail(e);
            throw e;
        }
    }

    private void hashFilled() {
        try {
            for (int turn = 0; turn < CHUNKS; turn++) {
                Chunk chunk = filled.poll();
                if (chunk == null) {
                    break;
                }
                digest.update(chunk.bytes(), 0, chunk.length());
                free.add(chunk.bytes());
                bufferPermits.release();
            }
            if (filled.isEmpty()) {
                hashing.set(false);
                // A chunk handed over between the last poll and the line above found the flag set and
                // scheduled nothing: take the flag back for it, unless its reader's CAS already did.
                if (filled.isEmpty() || !hashing.compareAndSet(false, true)) {
                    return;
                }
            }
            schedule(); // still holding the flag: to the back of the queue, so other streams get a turn
        } catch (RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    private void fail(Throwable e) {
        if (failure.compareAndSet(null, e)) {
            // Once only, after the failure is visible: no acquire on the reader's side waits again.
            bufferPermits.release(CHUNKS * 1024);
        }
    }

    private void throwIfFailed() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("hashing this stream failed, so its digest is unknown: " + e, e);
        }
    }

    private static ExecutorService hashers() {
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    // Inherit nothing from whichever caller starts the thread: no inheritable
                    // thread-locals, and no context class loader (a web app's would stay pinned).
                    Thread t = new Thread(null, task, "mlops-sha256-" + count.incrementAndGet(), 0, false);
                    t.setDaemon(true);
                    t.setPriority(Thread.NORM_PRIORITY);
                    t.setContextClassLoader(null);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // no thread stays behind once reads are done
        return pool;
    }
}
