package io.mlops.benchmarks;

import io.mlops.Mlops;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.registry.ModelSignature;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.registry.NewModelVersion;
import io.mlops.api.serving.Scorer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What governance costs, against the same embedded stores (H2 file + local folder) with
 * governance off, in the same run, rounds alternating so drift hits both alike:
 * <ul>
 *   <li>{@code op=register}: {@code registry().createVersion} of a stored artifact with its
 *       signature given (no model parsing, so the authorization and the audit entry are as large
 *       a share of the call as they can be);</li>
 *   <li>{@code op=scorer}: obtaining (and closing) a scorer for {@code models:/mlp@champion};</li>
 *   <li>{@code op=score}: one single-row call on a scorer each side obtained, to show the
 *       scoring path carries no per-call check.</li>
 * </ul>
 * Knobs: {@code -Dbench.governance.rounds} (default 7), {@code -Dbench.governance.registrations}
 * per round (default 300), {@code -Dbench.governance.scorers} (default 100), {@code -Dbench.governance.calls}
 * (default 100000).
 */
final class GovernanceBenchmark {

    private static final String MODEL = ScoringFixtures.MLP;

    private GovernanceBenchmark() {
    }

    static List<String> run() throws IOException {
        int rounds = Integer.getInteger("bench.governance.rounds", 7);
        int registrations = Integer.getInteger("bench.governance.registrations", 300);
        int scorers = Integer.getInteger("bench.governance.scorers", 100);
        int calls = Integer.getInteger("bench.governance.calls", 100_000);
        Path governedHome = Files.createTempDirectory("mlops-bench-governed");
        Path openHome = Files.createTempDirectory("mlops-bench-ungoverned");
        byte[] onnx = ScoringFixtures.mlp(42L).toByteArray();
        Map<String, Object> row = ScoringFixtures.mlpRow(ScoringFixtures.mlpVectors(1)[0]);
        try (Mlops governed = Mlops.builder().local(governedHome).principal(ScoringFixtures.DEVELOPER)
                        .roles(RoleMapping.builder().user(ScoringFixtures.DEVELOPER.name(), Role.DATA_SCIENTIST)
                                .user(ScoringFixtures.VALIDATOR.name(), Role.VALIDATOR).build())
                        .build();
                Mlops open = Mlops.builder().local(openHome).principal(ScoringFixtures.DEVELOPER).ungoverned().build()) {
            Side g = new Side("governed", governed, onnx);
            Side u = new Side("ungoverned", open, onnx);
            List<Double> registerG = new ArrayList<>();
            List<Double> registerU = new ArrayList<>();
            List<Double> scorerG = new ArrayList<>();
            List<Double> scorerU = new ArrayList<>();
            List<Double> scoreG = new ArrayList<>();
            List<Double> scoreU = new ArrayList<>();
            // Round 0 warms both up and is not counted.
            for (int round = 0; round <= rounds; round++) {
                boolean governedFirst = round % 2 == 0;
                for (Side side : governedFirst ? List.of(g, u) : List.of(u, g)) {
                    double register = side.register(registrations);
                    double scorer = side.obtainScorers(scorers);
                    double score = side.score(row, calls);
                    if (round > 0) {
                        (side == g ? registerG : registerU).add(register);
                        (side == g ? scorerG : scorerU).add(scorer);
                        (side == g ? scoreG : scoreU).add(score);
                    }
                }
                System.out.printf("governance round %d/%d done%n", round, rounds);
            }
            long auditEntries = governed.as(ScoringFixtures.VALIDATOR).governance().audit().head().seq();
            System.out.printf("governed store holds %d audit entries after the run%n", auditEntries);
            return List.of(
                    line("register", registerG, registerU, registrations * rounds),
                    line("scorer", scorerG, scorerU, scorers * rounds),
                    line("score", scoreG, scoreU, (long) calls * rounds));
        } finally {
            ScoringFixtures.delete(governedHome);
            ScoringFixtures.delete(openHome);
        }
    }

    private static String line(String op, List<Double> governed, List<Double> ungoverned, long operations) {
        double sdk = Stats.median(governed);
        double base = Stats.median(ungoverned);
        return "BENCH governance.overhead op=" + op + " sdk_us=" + Stats.fmt(sdk) + " ungoverned_us=" + Stats.fmt(base)
                + " ratio=" + String.format(java.util.Locale.ROOT, "%.3f", sdk / base)
                + " rounds=" + governed.size() + " ops=" + operations;
    }

    /** One Mlops with the model registered and promoted, measured the same way as the other. */
    private static final class Side {
        private final Mlops mlops;
        private final String artifactKey;
        private final ModelSignature signature;

        Side(String label, Mlops mlops, byte[] onnx) {
            this.mlops = mlops;
            StoredObject artifact = mlops.artifacts().put("bench/" + label + "/model.onnx", new ByteArrayInputStream(onnx));
            this.artifactKey = artifact.key();
            ModelVersion first = ScoringFixtures.register(mlops, MODEL, onnx);
            this.signature = first.signature();
        }

        /** Mean microseconds per registration. */
        double register(int count) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                mlops.registry().createVersion(NewModelVersion.builder("registered", artifactKey).flavor("onnx")
                        .signature(signature).build());
            }
            return (System.nanoTime() - start) / 1_000.0 / count;
        }

        /** Mean microseconds to obtain and close a scorer (resolve alias, verify sha256, load). */
        double obtainScorers(int count) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                try (Scorer scorer = mlops.scorer(ScoringFixtures.champion(MODEL))) {
                    if (scorer.version().version() < 1) {
                        throw new IllegalStateException("no version");
                    }
                }
            }
            return (System.nanoTime() - start) / 1_000.0 / count;
        }

        /** Mean microseconds per single-row call on one scorer. */
        double score(Map<String, Object> row, int count) {
            try (Scorer scorer = mlops.scorer(ScoringFixtures.champion(MODEL))) {
                double sink = 0;
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    sink += scorer.score(row).probability("yes");
                }
                long elapsed = System.nanoTime() - start;
                if (Double.isNaN(sink)) {
                    throw new IllegalStateException("NaN scores");
                }
                return elapsed / 1_000.0 / count;
            }
        }
    }
}
