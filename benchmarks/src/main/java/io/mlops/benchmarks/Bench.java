package io.mlops.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the named benchmarks and prints one {@code BENCH <name> key=value ...} line per result at
 * the end. Usage: {@code Bench [tracking.ingest] [tracking.search] ...}; no argument runs all.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> wanted = args.length == 0 ? List.of("tracking.ingest", "tracking.search") : List.of(args);
        List<String> lines = new ArrayList<>();
        for (String name : wanted) {
            switch (name) {
                case "tracking.ingest" -> lines.addAll(TrackingIngestBenchmark.run());
                case "tracking.search" -> lines.addAll(TrackingSearchBenchmark.run());
                default -> throw new IllegalArgumentException("unknown benchmark '" + name
                        + "'; known: tracking.ingest, tracking.search");
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
    }
}
