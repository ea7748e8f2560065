package io.mlops.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the named benchmarks and prints one {@code BENCH <name> key=value ...} line per result at
 * the end. Usage: {@code Bench [tracking.ingest] [tracking.search] [governance.overhead] [score] ...};
 * no argument runs
 * all. {@code score} stands for every scoring benchmark: {@code score.single},
 * {@code score.batch256}, {@code score.vs_tribuo} (JMH), {@code score.concurrent64} and
 * {@code serve.swap}. {@code artifacts} stands for {@code artifacts.s3} and {@code artifacts.local}.
 * {@code drift} prints {@code drift.profile} and {@code drift.psi}.
 */
public final class Bench {

    static final List<String> SCORING = List.of(
            "score.single", "score.batch256", "score.vs_tribuo", "score.concurrent64", "serve.swap");
    private static final List<String> JMH = List.of("score.single", "score.batch256", "score.vs_tribuo");
    static final List<String> ARTIFACTS = List.of("artifacts.s3", "artifacts.local");
    private static final List<String> OTHERS = List.of("tracking.ingest", "tracking.search", "governance.overhead",
            "artifacts.s3", "artifacts.local", "drift");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> given = args.length == 0 ? List.of("tracking.ingest", "tracking.search", "governance.overhead", "score")
                : List.of(args);
        Set<String> wanted = new LinkedHashSet<>();
        for (String name : given) {
            if (name.equals("score")) {
                wanted.addAll(SCORING);
            } else if (name.equals("artifacts")) {
                wanted.addAll(ARTIFACTS);
            } else if (OTHERS.contains(name) || SCORING.contains(name)) {
                wanted.add(name);
            } else {
                throw new IllegalArgumentException("unknown benchmark '" + name
                        + "'; known: " + String.join(", ", OTHERS) + ", score (all of: " + String.join(", ", SCORING) + ")");
            }
        }
        List<String> lines = new ArrayList<>();
        Path scoringDir = null;
        boolean server = false;
        try {
            boolean jmhDone = false;
            for (String name : wanted) {
                if (SCORING.contains(name) && scoringDir == null) {
                    scoringDir = ScoringFixtures.prepare();
                    server = ScoringFixtures.serverWorks();
                }
                switch (name) {
                    case "tracking.ingest" -> lines.addAll(TrackingIngestBenchmark.run());
                    case "tracking.search" -> lines.addAll(TrackingSearchBenchmark.run());
                    case "governance.overhead" -> lines.addAll(GovernanceBenchmark.run());
                    case "artifacts.s3" -> lines.addAll(ArtifactsBenchmark.s3());
                    case "artifacts.local" -> lines.addAll(ArtifactsBenchmark.local());
                    case "drift" -> lines.addAll(DriftBenchmark.run());
                    case "score.single", "score.batch256", "score.vs_tribuo" -> {
                        // One set of JMH rounds covers all three.
                        if (!jmhDone) {
                            Set<String> jmh = new LinkedHashSet<>(wanted);
                            jmh.retainAll(JMH);
                            lines.addAll(ScoringBenchmark.run(scoringDir, server, jmh));
                            jmhDone = true;
                        }
                    }
                    case "score.concurrent64" -> lines.addAll(ConcurrentScoringBenchmark.run(scoringDir, server));
                    case "serve.swap" -> lines.addAll(ServeSwapBenchmark.run(scoringDir, server));
                    default -> throw new IllegalStateException(name);
                }
            }
        } finally {
            if (scoringDir != null) {
                ScoringFixtures.delete(scoringDir);
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
    }
}
