package io.mlops.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedKeyMapTest {
    private static final List<String> CLASSES = List.of("no", "yes");

    @Test
    void realRowReadsItsOwnRowOfAFloatBatchAndEqualsAnOrdinaryMap() {
        float[] batch = {0.9f, 0.1f, 0.25f, 0.75f, 0.5f, 0.5f};

        Map<String, Double> second = FixedKeyMap.realRow(CLASSES, batch, 1);

        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("no", 0.25);
        expected.put("yes", 0.75);
        assertThat(second).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(second).containsExactly(Map.entry("no", 0.25), Map.entry("yes", 0.75));
        assertThat(second.get("maybe")).isNull();
        assertThat(second.containsKey("yes")).isTrue();
    }

    @Test
    void realRowOverDoublesKeepsFullPrecision() {
        double[] batch = {0.1234567890123, 0.8765432109877};

        assertThat(FixedKeyMap.realRow(CLASSES, batch, 0).get("no")).isEqualTo(0.1234567890123);
    }

    @Test
    void isReadOnly() {
        Map<String, Double> row = FixedKeyMap.realRow(CLASSES, new float[] {0.5f, 0.5f}, 0);

        assertThatThrownBy(() -> row.put("no", 1.0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> row.entrySet().iterator().next().setValue(1.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesARowOutsideTheBatchAndNonRealValues() {
        assertThatThrownBy(() -> FixedKeyMap.realRow(CLASSES, new float[] {0.5f, 0.5f}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside 2 elements");
        assertThatThrownBy(() -> FixedKeyMap.realRow(CLASSES, new long[] {1, 0}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a real-valued row");
    }
}
