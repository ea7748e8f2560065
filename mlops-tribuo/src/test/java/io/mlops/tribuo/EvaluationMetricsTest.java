package io.mlops.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.provenance.EvaluationProvenance;

/**
 * Evaluations other than {@code LabelEvaluation} are logged whole, from {@link Evaluation#asMap()}.
 * The choice follows the evaluation's type, so a plain {@link Evaluation} of labels stands in for a
 * regression or clustering one without those modules on the test class path.
 */
class EvaluationMetricsTest {

    @Test
    void of_otherEvaluation_logsEveryMetricByTargetAndLeavesOutNaN() {
        Map<MetricID<Label>, Double> values = new HashMap<>();
        values.put(new MetricID<>(MetricTarget.<Label>macroAverageTarget(), "RMSE"), 0.25);
        values.put(new MetricID<>(new MetricTarget<>(new Label("income")), "R2"), 0.5);
        values.put(new MetricID<>(new MetricTarget<>(new Label("limit (eur)")), "R2"), 0.75);
        values.put(new MetricID<>(MetricTarget.<Label>microAverageTarget(), "EV"), Double.NaN);

        Map<String, Double> metrics = EvaluationMetrics.of(new FixedEvaluation(values));

        assertThat(metrics).containsExactly(
                Map.entry("r2.income", 0.5),
                Map.entry("r2.limit _eur_", 0.75),
                Map.entry("rmse.macro", 0.25));
    }

    /** An evaluation that only holds its metric values. */
    private record FixedEvaluation(Map<MetricID<Label>, Double> asMap) implements Evaluation<Label> {
        @Override
        public List<Prediction<Label>> getPredictions() {
            return List.of();
        }

        @Override
        public EvaluationProvenance getProvenance() {
            throw new UnsupportedOperationException("not needed");
        }
    }
}
