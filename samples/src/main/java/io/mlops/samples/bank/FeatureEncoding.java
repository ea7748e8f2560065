package io.mlops.samples.bank;

import io.mlops.samples.bank.BankMarketingData.BankClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.tribuo.Example;
import org.tribuo.impl.ArrayExample;
import org.tribuo.classification.Label;

/**
 * The feature encoding fitted on the training split: standardization parameters for each numeric
 * column and the category vocabulary of each categorical column.
 *
 * <p>Tribuo's own feature transformations would produce a {@code TransformedModel}, which cannot
 * be exported to ONNX. Keeping the encoding as plain data lets the same parameters drive both the
 * Tribuo examples and the preprocessing nodes of the ONNX graph, so the two cannot drift apart.
 *
 * <p>Encoded feature names follow Tribuo's usual convention: a numeric column keeps its name
 * ({@code age}), a category becomes {@code column@value} ({@code job@admin.}) with value 1.0.
 * A category not seen in training produces no feature at all, which the ONNX graph mirrors with
 * an all-zero one-hot block.
 *
 * @param means      training mean per numeric column, in {@link BankMarketingData#NUMERIC_COLUMNS} order
 * @param stdDevs    training population standard deviation per numeric column (never zero)
 * @param categories sorted training vocabulary per categorical column, in
 *                   {@link BankMarketingData#CATEGORICAL_COLUMNS} order
 */
public record FeatureEncoding(Map<String, Double> means, Map<String, Double> stdDevs,
                              Map<String, List<String>> categories) {

    /** Separator between a categorical column name and its value in one-hot feature names. */
    public static final String CATEGORY_SEPARATOR = "@";

    /** Validates that every column has parameters and copies everything into immutable collections. */
    public FeatureEncoding {
        means = immutableOrdered(means, BankMarketingData.NUMERIC_COLUMNS, "means");
        stdDevs = immutableOrdered(stdDevs, BankMarketingData.NUMERIC_COLUMNS, "stdDevs");
        categories = immutableOrdered(categories, BankMarketingData.CATEGORICAL_COLUMNS, "categories");
        for (Map.Entry<String, Double> e : stdDevs.entrySet()) {
            if (!(e.getValue() > 0.0) || e.getValue().isInfinite()) {
                throw new IllegalArgumentException("Standard deviation of '" + e.getKey()
                        + "' must be positive and finite but was " + e.getValue());
            }
        }
        Map<String, List<String>> copied = new LinkedHashMap<>();
        categories.forEach((column, values) -> {
            if (values.isEmpty()) {
                throw new IllegalArgumentException("Categorical column '" + column + "' has no categories");
            }
            copied.put(column, List.copyOf(values));
        });
        categories = Collections.unmodifiableMap(copied);
    }

    /**
     * Fits the encoding on training rows only, so that no test statistics leak into the model.
     *
     * @param train the training split
     * @throws IllegalArgumentException if {@code train} is empty
     */
    public static FeatureEncoding fit(List<BankClient> train) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("Cannot fit a feature encoding on an empty training split");
        }
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> stdDevs = new LinkedHashMap<>();
        for (String column : BankMarketingData.NUMERIC_COLUMNS) {
            double sum = 0.0;
            for (BankClient row : train) {
                sum += row.numeric(column);
            }
            double mean = sum / train.size();
            double squares = 0.0;
            for (BankClient row : train) {
                double d = row.numeric(column) - mean;
                squares += d * d;
            }
            double std = Math.sqrt(squares / train.size());
            means.put(column, mean);
            // A constant column carries no signal; dividing by 1 keeps it at zero instead of NaN.
            stdDevs.put(column, std > 0.0 ? std : 1.0);
        }
        Map<String, List<String>> categories = new LinkedHashMap<>();
        for (String column : BankMarketingData.CATEGORICAL_COLUMNS) {
            TreeSet<String> seen = new TreeSet<>();
            for (BankClient row : train) {
                seen.add(row.value(column));
            }
            categories.put(column, List.copyOf(seen));
        }
        return new FeatureEncoding(means, stdDevs, categories);
    }

    /** Returns the standardized value of a numeric column for one row. */
    public double standardize(String column, double value) {
        Double mean = means.get(column);
        if (mean == null) {
            throw new IllegalArgumentException("No standardization for column '" + column + "'; numeric columns are "
                    + means.keySet());
        }
        return (value - mean) / stdDevs.get(column);
    }

    /** Returns the Tribuo feature name of one category, e.g. {@code job@admin.}. */
    public static String categoryFeatureName(String column, String value) {
        return column + CATEGORY_SEPARATOR + value;
    }

    /**
     * Returns the name of every encoded feature in block order: the numeric columns, then each
     * categorical column's categories. This is the column order of the concatenated tensor the
     * ONNX preprocessing produces before it is permuted into Tribuo's feature-id order.
     */
    public List<String> encodedFeatureNames() {
        List<String> names = new ArrayList<>(means.keySet());
        categories.forEach((column, values) -> values.forEach(v -> names.add(categoryFeatureName(column, v))));
        return List.copyOf(names);
    }

    /**
     * Encodes one row as a Tribuo example.
     *
     * @param row    the raw row
     * @param output the label to attach: the true label for training and evaluation, or
     *               {@code LabelFactory.UNKNOWN_LABEL} for scoring
     */
    public Example<Label> toExample(BankClient row, Label output) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String column : means.keySet()) {
            names.add(column);
            values.add(standardize(column, row.numeric(column)));
        }
        for (Map.Entry<String, List<String>> e : categories.entrySet()) {
            String value = row.value(e.getKey());
            // Unseen categories are dropped, exactly as Tribuo drops features missing from its feature map.
            if (e.getValue().contains(value)) {
                names.add(categoryFeatureName(e.getKey(), value));
                values.add(1.0);
            }
        }
        return new ArrayExample<>(output, names.toArray(String[]::new),
                values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static <V> Map<String, V> immutableOrdered(Map<String, V> map, List<String> columns, String what) {
        Objects.requireNonNull(map, what);
        if (!map.keySet().equals(new HashSet<>(columns))) {
            throw new IllegalArgumentException(what + " must cover exactly " + columns + " but covers " + map.keySet());
        }
        Map<String, V> ordered = new LinkedHashMap<>();
        for (String column : columns) {
            ordered.put(column, Objects.requireNonNull(map.get(column), what + " of " + column));
        }
        return Collections.unmodifiableMap(ordered);
    }
}
