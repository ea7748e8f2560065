package io.mlops.core.internal.serving.batch;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.PredictionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The output columns of a model's predictions, fixed by the first prediction: {@code label} and
 * {@code p_<class>} per class in the model's class order for classification; {@code value}, or
 * {@code value_0 … value_<n-1>} for several values, for regression. Numbers are written with
 * {@link Double#toString(double)}, which reads back as exactly the same double.
 */
final class PredictionColumns {
    private final PredictionKind kind;
    private final boolean label;
    private final List<String> classes;
    private final int values;
    private final List<String> names;

    private PredictionColumns(PredictionKind kind, boolean label, List<String> classes, int values, List<String> names) {
        this.kind = kind;
        this.label = label;
        this.classes = classes;
        this.values = values;
        this.names = names;
    }

    /**
     * @throws InvalidArgumentException if the model's predictions are not classification or
     *                                  regression, or a column name clashes with a copied input column
     */
    static PredictionColumns of(Prediction first, String model, List<String> copied) {
        List<String> names = new ArrayList<>();
        List<String> classes = List.copyOf(first.probabilities().keySet());
        boolean label = first.label().isPresent();
        int values = first.values().size();
        switch (first.kind()) {
            case CLASSIFICATION -> {
                if (label) {
                    names.add("label");
                }
                classes.forEach(c -> names.add("p_" + c));
            }
            case REGRESSION -> {
                if (values == 1) {
                    names.add("value");
                } else {
                    for (int i = 0; i < values; i++) {
                        names.add("value_" + i);
                    }
                }
            }
            default -> throw new InvalidArgumentException(model + " gives " + first.kind() + " predictions (outputs "
                    + first.outputs().keySet() + "), which batch scoring cannot write as columns; it writes"
                    + " CLASSIFICATION and REGRESSION predictions");
        }
        if (names.isEmpty()) {
            throw new InvalidArgumentException(model + " gives " + first.kind() + " predictions with no label,"
                    + " probabilities or values (outputs " + first.outputs().keySet() + "), so there is nothing to write");
        }
        List<String> clashes = new ArrayList<>();
        for (String name : names) {
            if (copied.contains(name)) {
                clashes.add(name);
            }
        }
        if (!clashes.isEmpty()) {
            throw new InvalidArgumentException("input column" + (clashes.size() == 1 ? " " : "s ") + clashes
                    + " would clash with the prediction column" + (clashes.size() == 1 ? " " : "s ") + "of the same name;"
                    + " name the input columns to copy (copyColumns) without " + clashes + " (the prediction columns"
                    + " are " + names + ")");
        }
        return new PredictionColumns(first.kind(), label, classes, values, List.copyOf(names));
    }

    List<String> names() {
        return names;
    }

    /**
     * Writes one prediction's cells into {@code row} from {@code offset}.
     *
     * @param where the row, built only if the prediction does not have the first one's shape
     */
    void write(Prediction p, String[] row, int offset, Supplier<String> where) {
        int i = offset;
        if (kind == PredictionKind.CLASSIFICATION) {
            if (p.kind() != kind || p.label().isPresent() != label || p.probabilities().size() != classes.size()) {
                throw unlike(p, where);
            }
            if (label) {
                row[i++] = p.label().get();
            }
            for (String c : classes) {
                Double probability = p.probabilities().get(c);
                if (probability == null) {
                    throw unlike(p, where);
                }
                row[i++] = Double.toString(probability);
            }
        } else {
            if (p.kind() != kind || p.values().size() != values) {
                throw unlike(p, where);
            }
            for (Double v : p.values()) {
                row[i++] = Double.toString(v);
            }
        }
    }

    private MlopsException unlike(Prediction p, Supplier<String> where) {
        return new MlopsException(where.get() + ": the model's prediction (" + p.kind() + ", label "
                + p.label().isPresent() + ", classes " + p.probabilities().keySet() + ", " + p.values().size()
                + " values) does not have the shape of the first row's (" + kind + ", label " + label + ", classes "
                + classes + ", " + values + " values), which fixed the output columns " + names);
    }
}
