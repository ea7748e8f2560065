package io.mlops.core.internal.serving.batch;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.FeatureSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Which input column feeds each feature and which are copied into the output, decided from the
 * header before any row is read, so that a file that cannot be scored fails before anything is
 * written.
 */
final class ColumnPlan {
    final List<FeatureSpec> features;
    final int[] featureColumns;
    final List<String> copiedNames;
    final int[] copiedColumns;

    private ColumnPlan(List<FeatureSpec> features, int[] featureColumns, List<String> copiedNames, int[] copiedColumns) {
        this.features = features;
        this.featureColumns = featureColumns;
        this.copiedNames = copiedNames;
        this.copiedColumns = copiedColumns;
    }

    /**
     * @param copyColumns the columns to copy, or {@code null} for all
     * @throws InvalidArgumentException naming every missing or ambiguous column and the input's header
     */
    static ColumnPlan of(RowSource source, ModelVersion model, List<FeatureSpec> features, List<String> copyColumns) {
        String modelName = "model '" + model.name() + "' version " + model.version();
        if (features.isEmpty()) {
            throw new InvalidArgumentException("cannot score " + source.describe() + ": " + modelName
                    + " takes no rows of named features (only whole tensors), so it cannot be fed from columns");
        }
        for (FeatureSpec f : features) {
            if (f.type() == FeatureSpec.FeatureType.NUMBER_VECTOR) {
                throw new InvalidArgumentException("cannot score " + source.describe() + ": feature '" + f.name()
                        + "' of " + modelName + " is a NUMBER_VECTOR, which one column cannot hold; batch scoring"
                        + " needs a model that names each of its features (NUMBER, STRING or BOOLEAN)");
            }
        }
        List<String> header = source.columns();
        List<String> problems = new ArrayList<>();

        int[] featureColumns = new int[features.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            String name = features.get(i).name();
            featureColumns[i] = find(header, name, source.caseInsensitiveNames(), problems);
            if (featureColumns[i] == MISSING) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            String hint = source.missingColumnsHint();
            problems.add(0, "missing feature column" + (missing.size() == 1 ? " " : "s ") + missing + " that "
                    + modelName + " needs" + (hint.isEmpty() ? "" : " (" + hint + ")"));
        }

        List<String> copiedNames = new ArrayList<>();
        int[] copiedColumns;
        if (copyColumns == null) {
            copiedNames.addAll(header);
            copiedColumns = new int[header.size()];
            for (int i = 0; i < copiedColumns.length; i++) {
                copiedColumns[i] = i;
            }
        } else {
            copiedColumns = new int[copyColumns.size()];
            List<String> absent = new ArrayList<>();
            for (int i = 0; i < copyColumns.size(); i++) {
                copiedColumns[i] = find(header, copyColumns.get(i), source.caseInsensitiveNames(), problems);
                if (copiedColumns[i] == MISSING) {
                    absent.add(copyColumns.get(i));
                } else if (copiedColumns[i] >= 0) {
                    copiedNames.add(header.get(copiedColumns[i]));
                }
            }
            if (!absent.isEmpty()) {
                problems.add("copy column" + (absent.size() == 1 ? " " : "s ") + absent + " not in the input");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException("cannot score " + source.describe() + ": " + String.join("; ", new LinkedHashSet<>(problems))
                    + "; the input's columns are " + header);
        }
        return new ColumnPlan(List.copyOf(features), featureColumns, List.copyOf(copiedNames), copiedColumns);
    }

    private static final int MISSING = -1;
    private static final int AMBIGUOUS = -2;

    /** An exact match, else (for SQL) the one match ignoring case. */
    private static int find(List<String> header, String name, boolean ignoreCase, List<String> problems) {
        int found = matches(header, name, false, problems);
        if (found == MISSING && ignoreCase) {
            found = matches(header, name, true, problems);
        }
        return found;
    }

    private static int matches(List<String> header, String name, boolean ignoreCase, List<String> problems) {
        List<Integer> hits = new ArrayList<>(1);
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            if (ignoreCase ? column.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) : column.equals(name)) {
                hits.add(i + 1);
            }
        }
        if (hits.isEmpty()) {
            return MISSING;
        }
        if (hits.size() > 1) {
            problems.add("column '" + name + "' is ambiguous: the input has it " + hits.size() + " times (columns "
                    + hits + ")");
            return AMBIGUOUS;
        }
        return hits.get(0) - 1;
    }
}
