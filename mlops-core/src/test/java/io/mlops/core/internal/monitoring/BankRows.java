package io.mlops.core.internal.monitoring;

import io.mlops.api.monitoring.FeatureKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The bank-marketing rows (in the file's order, which is chronological: May 2008 to November 2010) as feature maps. */
final class BankRows {
    static final Path CSV = Path.of("../samples/data/bank-marketing.csv");
    static final Set<String> NUMERIC = Set.of("age", "duration", "campaign", "pdays", "previous");
    private static List<Map<String, Object>> rows;

    private BankRows() {
    }

    static synchronized List<Map<String, Object>> all() {
        if (rows == null) {
            try {
                List<String> lines = Files.readAllLines(CSV);
                String[] header = lines.get(0).split(",");
                List<Map<String, Object>> read = new ArrayList<>(lines.size());
                for (String line : lines.subList(1, lines.size())) {
                    String[] cells = line.split(",", -1);
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < header.length - 1; i++) { // the last column is the outcome
                        row.put(header[i], NUMERIC.contains(header[i]) ? (Object) Double.parseDouble(cells[i]) : cells[i]);
                    }
                    read.add(row);
                }
                rows = List.copyOf(read);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    static Map<String, FeatureKind> schema() {
        Map<String, FeatureKind> schema = new LinkedHashMap<>();
        all().get(0).keySet().forEach(name -> schema.put(name, NUMERIC.contains(name) ? FeatureKind.NUMERIC : FeatureKind.CATEGORICAL));
        return schema;
    }

    static SketchProfile profile(List<Map<String, Object>> rows) {
        SketchProfiler profiler = new SketchProfiler(schema());
        rows.forEach(profiler::add);
        return profiler.profile();
    }
}
