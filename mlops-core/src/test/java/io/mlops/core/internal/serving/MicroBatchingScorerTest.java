package io.mlops.core.internal.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A delegate that breaks its contract must fail the callers of that batch, never leave later
 * callers parked with no dispatcher left to answer them.
 */
class MicroBatchingScorerTest {

    /** Answers every row with its "x", except that its first batch comes back one prediction short. */
    private static final class ShortOnceScorer implements Scorer {
        final AtomicBoolean broken = new AtomicBoolean(true);

        @Override
        public ModelVersion version() {
            return new ModelVersion("m", 1, "", "models/m.bin", "0".repeat(64), 1L, "test", ModelSignature.EMPTY, "",
                    Map.of(), ModelVersionStatus.NEW, "tester", 0L);
        }

        @Override
        public List<FeatureSpec> features() {
            return List.of();
        }

        @Override
        public Prediction score(Map<String, ?> row) {
            return new Prediction(PredictionKind.REGRESSION, Optional.empty(), Map.of(),
                    List.of(((Number) row.get("x")).doubleValue()), Map.of());
        }

        @Override
        public List<Prediction> scoreBatch(List<? extends Map<String, ?>> rows) {
            List<Prediction> all = rows.stream().map(this::score).toList();
            return broken.getAndSet(false) ? all.subList(0, all.size() - 1) : all;
        }

        @Override
        public Map<String, Object> scoreTensors(Map<String, ?> inputs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aBatchAnsweredShort_failsItsCallers_andLaterCallsAreStillAnswered() {
        try (MicroBatchingScorer scorer = new MicroBatchingScorer(new ShortOnceScorer(), 1_000_000L, 8)) {
            assertThatThrownBy(() -> scorer.score(Map.of("x", 1.0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("answered 0 predictions for a batch of 1 rows");

            for (int i = 0; i < 50; i++) {
                assertThat(scorer.score(Map.of("x", (double) i)).values()).containsExactly((double) i);
            }
        }
    }
}
