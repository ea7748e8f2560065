package io.mlops.samples.bank;

import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankMarketingData.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a logistic-regression propensity model on the bank-marketing data with Tribuo: a
 * {@link LinearSGDTrainer} with the {@link LogMulticlass} objective (multinomial logistic
 * regression) optimised by {@link AdaGrad}.
 *
 * <p>The encoding is fitted on the training split only, then applied to both splits; the test
 * split is used once, for the reported AUC and accuracy.
 */
public final class BankModelTrainer {

    /**
     * Training configuration.
     *
     * @param seed          seed of both the train/test shuffle and Tribuo's SGD example order
     * @param trainFraction share of rows used for training, in (0, 1)
     * @param epochs        passes of SGD over the training split
     * @param learningRate  AdaGrad initial learning rate
     * @param epsilon       AdaGrad epsilon (keeps the first steps bounded)
     */
    public record Config(long seed, double trainFraction, int epochs, double learningRate, double epsilon) {

        /** Rejects values Tribuo would only reject later, or not at all. */
        public Config {
            if (!(trainFraction > 0.0 && trainFraction < 1.0)) {
                throw new IllegalArgumentException("trainFraction must be in (0, 1) but was " + trainFraction);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1 but was " + epochs);
            }
            if (!(learningRate > 0.0) || !(epsilon > 0.0)) {
                throw new IllegalArgumentException("learningRate and epsilon must be positive but were "
                        + learningRate + " and " + epsilon);
            }
        }

        /**
         * The configuration the samples use: 80/20 split, 5 epochs, AdaGrad(0.1, 0.1). Tribuo's
         * default AdaGrad learning rate (1.0) lands noticeably lower in AUC on this data.
         */
        public static Config defaults() {
            return new Config(42L, 0.8, 5, 0.1, 0.1);
        }

        /** Returns the configuration as string parameters, ready to log with a training run. */
        public Map<String, String> toParams() {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("algorithm", "logistic_regression");
            params.put("trainer", LinearSGDTrainer.class.getName());
            params.put("objective", LogMulticlass.class.getSimpleName());
            params.put("optimiser", AdaGrad.class.getSimpleName());
            params.put("learning_rate", Double.toString(learningRate));
            params.put("epsilon", Double.toString(epsilon));
            params.put("epochs", Integer.toString(epochs));
            params.put("minibatch_size", "1");
            params.put("seed", Long.toString(seed));
            params.put("train_fraction", Double.toString(trainFraction));
            params.put("features", String.join(",", BankMarketingData.FEATURE_COLUMNS));
            params.put("excluded_features", "duration");
            params.put("numeric_scaling", "standardize(train mean, train population std)");
            params.put("categorical_encoding", "one-hot(train vocabulary, unseen -> all zeros)");
            return Collections.unmodifiableMap(params);
        }
    }

    /**
     * Everything a training run produces.
     *
     * @param model           the trained Tribuo model; it expects examples built by {@code encoding}
     * @param encoding        the feature encoding fitted on the training split
     * @param split           the train/test split used
     * @param testAuc         ROC AUC of the {@value BankMarketingData#POSITIVE_LABEL} class on the test split
     * @param testAccuracy    accuracy on the test split
     * @param hyperParameters configuration as loggable string parameters
     */
    public record TrainingResult(LinearSGDModel model, FeatureEncoding encoding, Split split,
                                 double testAuc, double testAccuracy, Map<String, String> hyperParameters) {

        /** Null-checks the components and copies the parameters. */
        public TrainingResult {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(encoding, "encoding");
            Objects.requireNonNull(split, "split");
            hyperParameters = Map.copyOf(hyperParameters);
        }

        /** Returns the test metrics keyed by the names a tracking client would log them under. */
        public Map<String, Double> metrics() {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("test_auc", testAuc);
            metrics.put("test_accuracy", testAccuracy);
            return Collections.unmodifiableMap(metrics);
        }
    }

    /** Tribuo logs the running loss every N examples by default; -1 turns that off. */
    private static final int NO_LOGGING = -1;

    private final Config config;

    /** Creates a trainer with {@link Config#defaults()}. */
    public BankModelTrainer() {
        this(Config.defaults());
    }

    /** Creates a trainer with the given configuration. */
    public BankModelTrainer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Returns the configuration. */
    public Config config() {
        return config;
    }

    /**
     * Splits the data, fits the encoding on the training split, trains and evaluates.
     *
     * @throws IllegalArgumentException if the data contain no {@value BankMarketingData#POSITIVE_LABEL}
     *                                  rows in either split, as AUC is then undefined
     */
    public TrainingResult train(BankMarketingData data) {
        Split split = data.split(config.seed(), config.trainFraction());
        FeatureEncoding encoding = FeatureEncoding.fit(split.train());
        LabelFactory labels = new LabelFactory();

        MutableDataset<Label> train = new MutableDataset<>(toExamples(split.train(), encoding),
                new SimpleDataSourceProvenance("bank-marketing train split", labels), labels);
        MutableDataset<Label> test = new MutableDataset<>(toExamples(split.test(), encoding),
                new SimpleDataSourceProvenance("bank-marketing test split", labels), labels);
        Label positive = new Label(BankMarketingData.POSITIVE_LABEL);
        for (MutableDataset<Label> dataset : List.of(train, test)) {
            if (!dataset.getOutputs().contains(positive)) {
                throw new IllegalArgumentException("No '" + positive.getLabel() + "' rows in "
                        + dataset.getSourceDescription() + "; labels present: " + dataset.getOutputs());
            }
        }

        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(),
                new AdaGrad(config.learningRate(), config.epsilon()), config.epochs(), NO_LOGGING, config.seed());
        LinearSGDModel model = trainer.train(train);

        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);
        return new TrainingResult(model, encoding, split, evaluation.AUCROC(positive), evaluation.accuracy(),
                config.toParams());
    }

    private static List<Example<Label>> toExamples(List<BankClient> rows, FeatureEncoding encoding) {
        List<Example<Label>> examples = new ArrayList<>(rows.size());
        for (BankClient row : rows) {
            examples.add(encoding.toExample(row, new Label(row.label())));
        }
        return examples;
    }
}
