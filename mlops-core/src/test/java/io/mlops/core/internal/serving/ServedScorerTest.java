package io.mlops.core.internal.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.ConflictException;
import io.mlops.api.ModelUri;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.ModelVersionStatus;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import io.mlops.api.serving.Scorer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The swap rule itself: a call that started on a version finishes on it, and the version is
 * closed only after that call returns. A real model answers too fast to hold a call open on
 * purpose, so the scorer here blocks until the test lets it go.
 */
class ServedScorerTest {
    private static final ModelUri URI = ModelUri.ofAlias("m", "champion");

    /** A scorer that answers its own version number, optionally after waiting for a latch. */
    private static final class HeldScorer implements Scorer {
        final int number;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;
        final AtomicBoolean closed = new AtomicBoolean();

        HeldScorer(int number, CountDownLatch release) {
            this.number = number;
            this.release = release;
        }

        @Override
        public ModelVersion version() {
            return new ModelVersion("m", number, "", "models/m.onnx", "0".repeat(64), 1L, "test", ModelSignature.EMPTY,
                    "", Map.of(), ModelVersionStatus.NEW, "tester", 0L);
        }

        @Override
        public List<FeatureSpec> features() {
            return List.of();
        }

        @Override
        public Prediction score(Map<String, ?> row) {
            if (closed.get()) {
                throw new ConflictException("closed");
            }
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (closed.get()) {
                throw new AssertionError("version " + number + " was closed while a call was running on it");
            }
            return new Prediction(PredictionKind.REGRESSION, Optional.empty(), Map.of(), List.of((double) number), Map.of());
        }

        @Override
        public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
            return rows.stream().map(this::score).toList();
        }

        @Override
        public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void swap_whileACallRuns_letsItFinishOnTheOldVersionThenClosesIt() throws Exception {
        CountDownLatch holdOld = new CountDownLatch(1);
        HeldScorer old = new HeldScorer(1, holdOld);
        HeldScorer next = new HeldScorer(2, new CountDownLatch(0));
        LoadedVersion oldLoaded = new LoadedVersion(old, null);
        AtomicReference<LoadedVersion> current = new AtomicReference<>(oldLoaded);
        ServedScorer handle = new ServedScorer(URI, current, null);

        CompletableFuture<Prediction> inFlight = CompletableFuture.supplyAsync(() -> handle.score(Map.of()));
        assertThat(old.entered.await(10, TimeUnit.SECONDS)).isTrue();

        current.set(new LoadedVersion(next, null));
        oldLoaded.release();

        assertThat(old.closed).as("closed while its call runs").isFalse();
        assertThat(handle.score(Map.of()).values()).containsExactly(2.0);
        holdOld.countDown();
        assertThat(inFlight.get(10, TimeUnit.SECONDS).values()).containsExactly(1.0);
        assertThat(old.closed).as("closed once its last call returned").isTrue();
        assertThat(next.closed).isFalse();
    }

    @Test
    void retiredVersion_isNeverAcquiredAgain() {
        HeldScorer only = new HeldScorer(1, new CountDownLatch(0));
        LoadedVersion loaded = new LoadedVersion(only, null);
        loaded.release();

        assertThat(only.closed).isTrue();
        assertThat(loaded.tryAcquire()).isFalse();
        assertThatThrownBy(() -> new ServedScorer(URI, new AtomicReference<>(), null).score(Map.of()))
                .isInstanceOf(ConflictException.class).hasMessageContaining(URI.toString());
    }
}
