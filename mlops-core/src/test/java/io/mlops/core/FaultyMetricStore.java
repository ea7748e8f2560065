package io.mlops.core;

import io.mlops.api.MlopsException;
import io.mlops.api.StoreUnavailableException;
import io.mlops.api.spi.MetadataStore;
import io.mlops.stores.InMemoryMetadataStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory store whose metric writes a test can hold, fail or "lose the answer of", for
 * faults that cannot be caused on demand in memory (the PostgreSQL fault test causes them for
 * real). Every other call goes straight to an {@link InMemoryMetadataStore}.
 */
final class FaultyMetricStore {

    private final InMemoryMetadataStore delegate = new InMemoryMetadataStore();
    /** Writes still to fail with a retryable error before reaching the store. */
    final AtomicInteger unavailableWrites = new AtomicInteger();
    /** Writes still to be stored and then reported as failed, like a connection lost during commit. */
    final AtomicInteger lostAcknowledgements = new AtomicInteger();
    /** Every call of logMetrics, failed or not. */
    final AtomicInteger writeAttempts = new AtomicInteger();
    /** When set, every write fails with it. */
    volatile MlopsException permanentFailure;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    /** Makes writes wait until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    MetadataStore store() {
        return (MetadataStore) Proxy.newProxyInstance(MetadataStore.class.getClassLoader(),
                new Class<?>[] {MetadataStore.class}, (proxy, method, args) -> {
                    boolean write = method.getName().equals("logMetrics");
                    if (write) {
                        writeAttempts.incrementAndGet();
                        if (!gate.await(30, TimeUnit.SECONDS)) {
                            throw new AssertionError("a held metric write was never released");
                        }
                        if (permanentFailure != null) {
                            throw permanentFailure;
                        }
                        if (unavailableWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new StoreUnavailableException("test: the store is down");
                        }
                    }
                    Object result;
                    try {
                        result = method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (write && lostAcknowledgements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        throw new StoreUnavailableException("test: connection lost after the commit");
                    }
                    return result;
                });
    }
}
