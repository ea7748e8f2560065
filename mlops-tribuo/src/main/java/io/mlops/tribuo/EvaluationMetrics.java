package io.mlops.tribuo;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Output;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.EvaluationMetric;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;

/**
 * Run metrics from a Tribuo {@link Evaluation}.
 *
 * <p>Everything is read through {@link Evaluation#asMap()}, which every Tribuo evaluation
 * implements since 4.0, so this module needs no dependency on tribuo-classification (or
 * regression, clustering...). A classification evaluation is recognised by its interface name and
 * logged under the names a model-validation report uses: {@code accuracy},
 * {@code macro_f1}, {@code balanced_error_rate} and {@code auc.<label>}; the values are those of
 * {@code LabelEvaluation.accuracy()}, {@code macroAveragedF1()}, {@code balancedErrorRate()} and
 * {@code AUCROC(label)}, which Tribuo computes from the same map. Any other evaluation is logged
 * whole, as {@code <metric>.<output>} or {@code <metric>.macro|micro}.
 */
final class EvaluationMetrics {

    static final String ACCURACY = "accuracy";
    static final String MACRO_F1 = "macro_f1";
    static final String BALANCED_ERROR_RATE = "balanced_error_rate";
    static final String AUC_PREFIX = "auc.";

    private static final Logger LOG = LoggerFactory.getLogger(TribuoModels.class);
    private static final String LABEL_EVALUATION = "org.tribuo.classification.evaluation.LabelEvaluation";

    private EvaluationMetrics() {
    }

    static <T extends Output<T>> Map<String, Double> of(Evaluation<T> evaluation) {
        boolean classification = implementsInterface(evaluation.getClass(), LABEL_EVALUATION);
        // asMap() has no order; sorting makes the logged keys (and any de-duplicating suffix) stable.
        List<Map.Entry<String, Double>> named = new ArrayList<>();
        for (Map.Entry<MetricID<T>, Double> e : evaluation.asMap().entrySet()) {
            Optional<String> name = classification ? classificationName(e.getKey()) : Optional.of(genericName(e.getKey()));
            name.ifPresent(n -> named.add(new AbstractMap.SimpleImmutableEntry<>(n, e.getValue())));
        }
        named.sort(Map.Entry.comparingByKey());
        Map<String, Double> metrics = new LinkedHashMap<>();
        named.forEach(e -> put(metrics, e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(metrics);
    }

    /** Sanitizes the keys of metrics the caller computed and drops values the store would refuse. */
    static Map<String, Double> sanitized(Map<String, Double> given) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        given.forEach((name, value) -> put(metrics, name, value));
        return Collections.unmodifiableMap(metrics);
    }

    private static <T extends Output<T>> Optional<String> classificationName(MetricID<T> id) {
        MetricTarget<T> target = id.getA();
        String metric = id.getB();
        Optional<EvaluationMetric.Average> average = target.getAverageTarget();
        if (average.isPresent()) {
            boolean micro = average.get() == EvaluationMetric.Average.MICRO;
            if (micro && metric.equals("ACCURACY")) {
                return Optional.of(ACCURACY);
            }
            if (!micro && metric.equals("F1")) {
                return Optional.of(MACRO_F1);
            }
            if (!micro && metric.equals("BALANCED_ERROR_RATE")) {
                return Optional.of(BALANCED_ERROR_RATE);
            }
            return Optional.empty();
        }
        if (metric.equals("AUCROC")) {
            return target.getOutputTarget().map(label -> AUC_PREFIX + label.getSerializableForm(false));
        }
        return Optional.empty();
    }

    private static <T extends Output<T>> String genericName(MetricID<T> id) {
        MetricTarget<T> target = id.getA();
        String suffix = target.getAverageTarget().map(a -> a.name().toLowerCase(Locale.ROOT))
                .or(() -> target.getOutputTarget().map(o -> o.getSerializableForm(false)))
                .orElse("");
        String metric = id.getB().toLowerCase(Locale.ROOT);
        return suffix.isEmpty() ? metric : metric + "." + suffix;
    }

    private static void put(Map<String, Double> metrics, String name, Double value) {
        if (value == null || !Double.isFinite(value)) {
            // Tribuo reports NaN for undefined metrics (e.g. AUC of a class absent from the test
            // data); the store refuses non-finite values, and one of them must not lose the rest.
            LOG.info("Not logging metric '{}': value {} is not finite", name, value);
            return;
        }
        LoggableNames.putUnique(metrics, name, value);
    }

    private static boolean implementsInterface(Class<?> type, String interfaceName) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(interfaceName)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (implementsInterface(i, interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }
}
