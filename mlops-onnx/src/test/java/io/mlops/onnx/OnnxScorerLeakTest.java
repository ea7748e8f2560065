package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.serving.ScorerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Native memory is released call after call: tensors, results and ZipMap elements are all closed. */
class OnnxScorerLeakTest {
    private static final long ALLOWED_GROWTH_KB = 64 * 1024;
    private static final int BATCH = 100;

    /**
     * One million rows after a warm-up: 200,000 single-row calls (pooled buffers) and 800,000 rows
     * in batches of 100 (buffers allocated per call, the path most likely to leak).
     */
    @Test
    void scoringAMillionRows_doesNotGrowResidentMemory() throws IOException {
        String name = "ort_sklearn_voting_soft_string_labels";
        byte[] bytes = Conformance.model(name);
        OnnxFlavor flavor = new OnnxFlavor();
        try (Scorer scorer = flavor.load(Conformance.version(name, bytes, flavor.inspect(bytes)), bytes,
                ScorerOptions.DEFAULTS)) {
            float[] x = new float[2];
            Map<String, Object> row = Map.of("input", x);
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(Map.of("input", new float[] {i % 7, i % 3}));
            }
            long answered = 0;
            for (int i = 0; i < 20_000; i++) {
                x[0] = i % 7;
                answered += score(scorer, row);
            }
            for (int i = 0; i < 200; i++) {
                answered += scoreBatch(scorer, batch);
            }
            long before = residentKb();
            for (int i = 0; i < 200_000; i++) {
                x[0] = i % 7;
                x[1] = i % 3;
                answered += score(scorer, row);
            }
            for (int i = 0; i < 8_000; i++) {
                answered += scoreBatch(scorer, batch);
            }
            long after = residentKb();
            assertThat(answered).isEqualTo(20_000 + 200 * BATCH + 1_000_000);
            assertThat(after - before).as("VmRSS growth in kB over one million rows (before %d kB, after %d kB)",
                    before, after).isLessThan(ALLOWED_GROWTH_KB);
        }
    }

    private static int scoreBatch(Scorer scorer, List<Map<String, Object>> rows) {
        int answered = 0;
        for (Prediction p : scorer.scoreBatch(rows)) {
            answered += p.label().isPresent() && p.probabilities().size() == 2 ? 1 : 0;
        }
        return answered;
    }

    private static int score(Scorer scorer, Map<String, Object> row) {
        Prediction p = scorer.score(row);
        return p.label().isPresent() && p.probabilities().size() == 2 ? 1 : 0;
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
