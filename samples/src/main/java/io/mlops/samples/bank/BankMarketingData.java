package io.mlops.samples.bank;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Loader for the UCI "Bank Marketing" data set shipped with the samples
 * ({@code bank-marketing.csv}: comma separated, header line, no quoting).
 *
 * <p>Only the columns in {@link #FEATURE_COLUMNS} are kept as features. {@code duration} is
 * deliberately dropped: it is only known once the call has ended, so using it would leak the
 * outcome into a model that is supposed to decide whom to call.
 */
public final class BankMarketingData {

    /** Name of the label column; its values are {@link #POSITIVE_LABEL} and {@code "no"}. */
    public static final String LABEL_COLUMN = "output";

    /** The label value of a client who subscribed a term deposit. */
    public static final String POSITIVE_LABEL = "yes";

    /** Numeric feature columns, in model input order. */
    public static final List<String> NUMERIC_COLUMNS = List.of("age", "campaign", "pdays", "previous");

    /** Categorical feature columns, in model input order; {@code "unknown"} is an ordinary value. */
    public static final List<String> CATEGORICAL_COLUMNS = List.of(
            "job", "marital", "education", "default", "housing", "loan", "contact", "month", "day_of_week");

    /** All 13 feature columns, in the order they appear in the CSV file. */
    public static final List<String> FEATURE_COLUMNS = List.of(
            "age", "job", "marital", "education", "default", "housing", "loan", "contact", "month",
            "day_of_week", "campaign", "pdays", "previous");

    /** Path of the data file relative to the project root (where the samples module keeps it). */
    static final Path PROJECT_RELATIVE_CSV = Path.of("samples", "data", "bank-marketing.csv");

    /** Path of the shared copy, relative to a directory beside the project checkout. */
    static final Path SHARED_RELATIVE_CSV = Path.of("shared", "data", "bank-marketing.csv");

    private final List<BankClient> rows;

    private BankMarketingData(List<BankClient> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Returns all rows in file order (immutable). */
    public List<BankClient> rows() {
        return rows;
    }

    /**
     * One client: the raw feature values exactly as written in the file, and the label.
     *
     * @param values raw values of the {@link #FEATURE_COLUMNS}, keyed by column name, in column order
     * @param label  {@code "yes"} or {@code "no"}, as written in the file
     */
    public record BankClient(Map<String, String> values, String label) {

        /**
         * Requires exactly the feature columns and copies them in column order, so the record is
         * immutable and a leaky column such as {@code duration} cannot slip in.
         */
        public BankClient {
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(label, "label");
            for (String column : values.keySet()) {
                if (!FEATURE_COLUMNS.contains(column)) {
                    throw new IllegalArgumentException("Unexpected column '" + column + "'; feature columns are "
                            + FEATURE_COLUMNS);
                }
            }
            Map<String, String> ordered = new LinkedHashMap<>();
            for (String column : FEATURE_COLUMNS) {
                String value = values.get(column);
                if (value == null) {
                    throw new IllegalArgumentException("Missing feature column '" + column + "' in " + values);
                }
                ordered.put(column, value);
            }
            values = Collections.unmodifiableMap(ordered);
        }

        /**
         * Returns the raw value of a feature column.
         *
         * @throws IllegalArgumentException if {@code column} is not a feature column
         */
        public String value(String column) {
            String value = values.get(column);
            if (value == null) {
                throw new IllegalArgumentException("Unknown feature column '" + column + "'; expected one of "
                        + FEATURE_COLUMNS);
            }
            return value;
        }

        /**
         * Returns the numeric value of a numeric column.
         *
         * @throws IllegalArgumentException if the column is not numeric or its value does not parse
         */
        public double numeric(String column) {
            if (!NUMERIC_COLUMNS.contains(column)) {
                throw new IllegalArgumentException("Column '" + column + "' is not numeric; numeric columns are "
                        + NUMERIC_COLUMNS);
            }
            String raw = value(column);
            try {
                return Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Column '" + column + "' has non-numeric value '" + raw + "'", e);
            }
        }

        /**
         * Returns the row in the shape a scorer takes: numeric columns as {@link Double}, categorical
         * columns as {@link String}, keyed by feature column name in {@link #FEATURE_COLUMNS} order.
         */
        public Map<String, Object> toScoringInput() {
            Map<String, Object> input = new LinkedHashMap<>();
            for (String column : FEATURE_COLUMNS) {
                input.put(column, NUMERIC_COLUMNS.contains(column) ? (Object) numeric(column) : value(column));
            }
            return Collections.unmodifiableMap(input);
        }
    }

    /**
     * A deterministic train/test partition.
     *
     * @param train rows to fit the encoding and the model on
     * @param test  held-out rows for evaluation
     */
    public record Split(List<BankClient> train, List<BankClient> test) {

        /** Defensively copies both lists. */
        public Split {
            train = List.copyOf(train);
            test = List.copyOf(test);
        }
    }

    /**
     * Reads the whole file. Numeric columns are validated while reading so that a malformed file
     * fails here, with the line number, rather than later during training.
     *
     * @param csv path of {@code bank-marketing.csv}
     * @return the data set, rows in file order
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException if the header lacks a required column or a line is malformed
     */
    public static BankMarketingData load(Path csv) {
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null) {
                throw new IllegalArgumentException("Empty data file: " + csv);
            }
            String[] names = header.split(",", -1);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                index.put(names[i].trim(), i);
            }
            List<String> required = new ArrayList<>(FEATURE_COLUMNS);
            required.add(LABEL_COLUMN);
            for (String column : required) {
                if (!index.containsKey(column)) {
                    throw new IllegalArgumentException("Column '" + column + "' missing from header of " + csv
                            + ": " + header);
                }
            }

            List<BankClient> rows = new ArrayList<>();
            String line;
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != names.length) {
                    throw new IllegalArgumentException(csv + " line " + lineNumber + ": expected " + names.length
                            + " fields but found " + cells.length + ": " + line);
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (String column : FEATURE_COLUMNS) {
                    values.put(column, cells[index.get(column)].trim());
                }
                String label = cells[index.get(LABEL_COLUMN)].trim();
                if (label.isEmpty()) {
                    throw new IllegalArgumentException(csv + " line " + lineNumber + ": empty label");
                }
                BankClient client = new BankClient(values, label);
                try {
                    NUMERIC_COLUMNS.forEach(client::numeric);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(csv + " line " + lineNumber + ": " + e.getMessage(), e);
                }
                rows.add(client);
            }
            return new BankMarketingData(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + csv, e);
        }
    }

    /**
     * Shuffles a copy of the rows with a seeded {@link Random} and cuts it into train and test.
     * The same seed and file always give the same split.
     *
     * @param seed          shuffle seed
     * @param trainFraction share of rows that go to the training split, strictly between 0 and 1
     * @throws IllegalArgumentException if {@code trainFraction} is out of range or either side would be empty
     */
    public Split split(long seed, double trainFraction) {
        if (!(trainFraction > 0.0 && trainFraction < 1.0)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1) but was " + trainFraction);
        }
        List<BankClient> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(seed));
        int trainSize = (int) Math.round(shuffled.size() * trainFraction);
        if (trainSize == 0 || trainSize == shuffled.size()) {
            throw new IllegalArgumentException("trainFraction " + trainFraction + " of " + shuffled.size()
                    + " rows leaves an empty train or test split");
        }
        return new Split(shuffled.subList(0, trainSize), shuffled.subList(trainSize, shuffled.size()));
    }

    /**
     * Finds {@code bank-marketing.csv} without configuration: first
     * {@code samples/data/bank-marketing.csv} in the working directory or an ancestor (so it is
     * found from the project root and from inside the samples module), then
     * {@code shared/data/bank-marketing.csv} in the working directory or an ancestor (the layout
     * where the checkout and the shared data are sibling directories).
     *
     * @throws IllegalStateException if neither location exists, listing the directories searched
     */
    public static Path locateDefaultCsv() {
        Path start = Path.of("").toAbsolutePath().normalize();
        List<Path> ancestors = Stream.iterate(start, Objects::nonNull, Path::getParent).toList();
        for (Path relative : List.of(PROJECT_RELATIVE_CSV, SHARED_RELATIVE_CSV)) {
            for (Path dir : ancestors) {
                Path candidate = dir.resolve(relative);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("bank-marketing.csv not found: looked for " + PROJECT_RELATIVE_CSV
                + " and " + SHARED_RELATIVE_CSV + " in " + start + " and its parent directories");
    }
}
