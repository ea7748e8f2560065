package io.mlops.samples;

import io.mlops.Mlops;
import io.mlops.api.PermissionDeniedException;
import io.mlops.api.Principal;
import io.mlops.api.governance.ModelInventory;
import io.mlops.api.governance.RiskTier;
import io.mlops.api.governance.Role;
import io.mlops.api.governance.RoleMapping;
import io.mlops.api.data.DatasetVersion;
import io.mlops.api.lineage.VersionLineage;
import io.mlops.api.monitoring.DataProfile;
import io.mlops.api.monitoring.DataProfiler;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.Monitoring;
import io.mlops.api.monitoring.PredictionLogOptions;
import io.mlops.api.registry.GoldenCase;
import io.mlops.api.registry.GoldenSet;
import io.mlops.api.registry.ModelVersion;
import io.mlops.api.serving.Prediction;
import io.mlops.api.serving.Scorer;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.RunSpec;
import io.mlops.samples.bank.BankMarketingData;
import io.mlops.samples.bank.BankMarketingData.BankClient;
import io.mlops.samples.bank.BankModelTrainer;
import io.mlops.samples.bank.BankModelTrainer.TrainingResult;
import io.mlops.samples.bank.OnnxPipelineExporter;
import io.mlops.monitoring.DriftReports;
import io.mlops.serving.ModelServer;
import io.mlops.tribuo.TribuoModels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * The bank quickstart, end to end on the embedded defaults: track a training run on the
 * bank-marketing data, register the model, check that the ONNX file gives Tribuo's own answers,
 * have it approved by a second person (the four-eyes rule refuses self-approval), point
 * {@code champion} at it, and score clients in-process through a model server.
 *
 * <p>Run it from the project root with {@code ./mvnw -q -pl samples -am package -DskipTests &&
 * java -jar samples/target/mlops-quickstart.jar}. Each run registers the next version of
 * {@value #MODEL_NAME}; earlier versions stay. Environment variables {@code MLOPS_METADATA_URI}
 * and {@code MLOPS_ARTIFACT_URI} (with {@code MLOPS_METADATA_USER} / {@code MLOPS_METADATA_PASSWORD})
 * point it at other stores, for example PostgreSQL.
 */
public final class Quickstart {

    static final String EXPERIMENT = "bank-term-deposit";
    static final String MODEL_NAME = "bank-term-deposit";
    static final String ALIAS = "champion";
    /** Builds and registers models; also validates other teams' models, but never her own. */
    static final Principal DATA_SCIENTIST = Principal.of("dana", Set.of("risk-model-developers", "model-validation"));
    /** The independent validator. */
    static final Principal VALIDATOR = Principal.of("victor", Set.of("model-validation"));
    /** The campaign system, which learns who subscribed and records it against the request id. */
    static final Principal CAMPAIGN_SYSTEM = Principal.of("svc-campaigns", Set.of("campaign-systems"));
    /** In a bank these groups come from the directory (e.g. Active Directory). */
    static final RoleMapping ROLES = RoleMapping.builder()
            .group("risk-model-developers", Role.DATA_SCIENTIST)
            .group("model-validation", Role.VALIDATOR)
            .group("campaign-systems", Role.OUTCOME_RECORDER)
            .build();
    /** How far the served ONNX probabilities may be from Tribuo's own (float32 arithmetic in the graph). */
    static final double TOLERANCE = 1e-5;
    private static final int SCORING_BATCH = 1024;
    /** Test clients whose answers every promotion must reproduce. */
    static final int GOLDEN_CASES = 50;
    /** The last clients in the file, called in September to November 2010. */
    static final int AUTUMN_2010_CLIENTS = 3000;

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    static {
        // Tribuo reports each training at INFO on java.util.logging; the quickstart tells its own story.
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private Quickstart() {
    }

    public static void main(String[] args) {
        Path csv = args.length > 0 ? Path.of(args[0]) : BankMarketingData.locateDefaultCsv();
        try (Mlops mlops = openStores()) {
            System.out.println(run(mlops, csv, Mlops.defaultHome().resolve("reports")).summaryLine());
        }
    }

    /** What one quickstart run produced. */
    record Outcome(String runId, ModelVersion version, double auc, double maxDifference, DriftReport steady,
            DriftReport autumn2010, List<Path> reports) {
        String summaryLine() {
            return String.format(java.util.Locale.ROOT, "QUICKSTART run=%s model=%s version=%d auc=%.4f drift_test=%s drift_autumn2010=%s",
                    runId, version.name(), version.version(), auc, steady.severity(), autumn2010.severity());
        }
    }

    static Outcome run(Mlops mlops, Path csv, Path reportDirectory) {
        BankMarketingData data = BankMarketingData.load(csv);
        BankModelTrainer trainer = new BankModelTrainer();

        TrainingResult result;
        ModelVersion version;
        String runId;
        try (ActiveRun run = mlops.tracking().startRun(RunSpec.builder(EXPERIMENT)
                .name("tribuo-logistic-regression")
                .tag("framework", "tribuo")
                .build())) {
            runId = run.id();
            // 1. the data set: stored once, content-addressed, with its schema and column profile
            DatasetVersion dataset = run.logDataset("bank-marketing", csv, "training");

            // 2. train with a fixed seed on an 80/20 split, leaving out the leaky 'duration'
            result = trainer.train(data);
            run.logParams(result.hyperParameters());
            run.logParam("features", String.join(",", BankMarketingData.FEATURE_COLUMNS));
            run.logParam("excluded_features", "duration");
            // Tribuo's trainer configuration, provenance and the test metrics, in one call
            TribuoModels.log(run, result.model(), result.metrics());

            // 3. export to ONNX with the preprocessing inside the graph (Tribuo's provenance in its
            //    metadata), store and register it
            byte[] onnx = new OnnxPipelineExporter("io.mlops.samples", 1).exportBytes(result.model(), result.encoding());
            version = TribuoModels.register(mlops, run, MODEL_NAME, onnx, result.model(),
                    "Tribuo logistic regression on bank-marketing without 'duration'");
            mlops.registry().setVersionTag(MODEL_NAME, version.version(), "test_auc",
                    String.format(java.util.Locale.ROOT, "%.4f", result.testAuc()));
            System.out.printf("Logged %s (%d rows, %s) and registered %s%n", dataset.uri(),
                    dataset.rowCount().orElse(0), dataset.profile().size() + " columns profiled", version.uri());
            run.finish();
        }

        // 4. the evidence for approval: the registered ONNX file (sha256 verified on load) gives
        //    Tribuo's own answers on every test client
        double maxDifference;
        try (Scorer candidate = mlops.scorer(version.uri().toString())) {
            maxDifference = maxDifferenceFromTribuo(candidate, result);
            // the baseline drift is measured against: the training clients and the model's answers on them
            mlops.monitoring().attachBaseline(MODEL_NAME, version.version(), baseline(mlops, candidate, result.split().train()));
        }
        if (!(maxDifference <= TOLERANCE)) {
            throw new IllegalStateException("the registered ONNX model differs from Tribuo's own predictions by "
                    + maxDifference + " (allowed " + TOLERANCE + "); the export is wrong, do not promote this version");
        }
        System.out.printf(java.util.Locale.ROOT, "%s: ONNX scores equal Tribuo's on all %d test clients (max difference %.2e)%n",
                version.uri(), result.split().test().size(), maxDifference);

        // 5. the known-data gate: Tribuo's own answers on test clients travel with the version, and
        //    the protected alias will move only if the registered bytes still give them
        mlops.registry().attachGoldenSet(MODEL_NAME, version.version(), goldenSet(result));

        // 6. four eyes: the data scientist asks for approval and may not give it herself; an
        //    independent validator approves and moves the protected alias
        String evidence = String.format(java.util.Locale.ROOT, "test AUC %.4f on a 20%% holdout; ONNX equals Tribuo"
                + " within %.0e on %d clients", result.testAuc(), TOLERANCE, result.split().test().size());
        mlops.governance().setInventory(MODEL_NAME, ModelInventory.builder()
                .owner("head-of-retail-deposits")
                .developers(List.of(DATA_SCIENTIST.name()))
                .validator(VALIDATOR.name())
                .riskTier(RiskTier.TIER_3)
                .intendedUse("Rank clients for outbound term-deposit campaigns")
                .knownLimitations("Trained on 2008-2010 Portuguese campaign data; not for credit decisions")
                .nextValidationDue(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusYears(1))
                .build());
        mlops.governance().requestApproval(MODEL_NAME, version.version(), evidence);
        try {
            mlops.governance().approve(MODEL_NAME, version.version(), "I checked it myself");
            throw new IllegalStateException("self-approval was accepted; the four-eyes rule is broken");
        } catch (PermissionDeniedException refused) {
            System.out.println("Self-approval refused: " + refused.getMessage());
        }
        Mlops validator = mlops.as(VALIDATOR);
        validator.governance().approve(MODEL_NAME, version.version(), "Reviewed the run, data digest and evidence");
        validator.registry().setAlias(MODEL_NAME, ALIAS, version.version());
        version = mlops.registry().getVersion(MODEL_NAME, version.version());
        System.out.printf("%s approved by %s and promoted to %s%n", version.uri(), VALIDATOR.name(), ALIAS);

        // 7. score through a model server, as an application would: it verifies the artifact's
        //    sha256, loads the version the alias names, and swaps in a new one when the alias moves;
        //    it logs every answer, and the outcomes are recorded later under the same request id
        Instant testStart = Instant.now();
        try (ModelServer server = servingWithPredictionLog(mlops)) {
            Scorer scorer = server.scorer("models:/" + MODEL_NAME + "@" + ALIAS);
            List<BankClient> test = result.split().test();
            System.out.printf("Serving %s (sha256 %s…)%n", scorer.version().uri(), scorer.version().sha256().substring(0, 12));
            for (BankClient client : test.subList(0, 5)) {
                Prediction p = scorer.score(client.toScoringInput());
                System.out.printf(java.util.Locale.ROOT, "  age %-3s %-13s %-9s -> P(subscribes) = %.3f%n",
                        client.value("age"), client.value("job"), client.value("marital"), p.probability("yes"));
            }
            serveAndLearnOutcomes(mlops, scorer, test, "test");
        } // closing the server writes the rest of its prediction log
        Instant autumnStart = Instant.now().plusMillis(1);
        DriftReport steady = mlops.monitoring().check(MODEL_NAME, version.version(), testStart, autumnStart);

        // 8. months later the bank calls other clients, on other phones: the monitor compares what the
        //    model sees with its baseline and its accuracy with the test metrics it was approved on
        List<BankClient> rows = data.rows();
        List<BankClient> autumn2010 = rows.subList(rows.size() - AUTUMN_2010_CLIENTS, rows.size());
        sleepPastMillisecond();
        try (ModelServer server = servingWithPredictionLog(mlops)) {
            serveAndLearnOutcomes(mlops, server.scorer("models:/" + MODEL_NAME + "@" + ALIAS), autumn2010, "autumn-2010");
        }
        DriftReport autumn = mlops.monitoring().check(MODEL_NAME, version.version(), autumnStart, Instant.now().plusMillis(1));
        List<Path> reports = DriftReports.write(autumn, reportDirectory);
        System.out.println("Drift on the test clients: " + steady.summary());
        System.out.println("Drift in autumn 2010:      " + autumn.summary());
        System.out.println("Drift report for the validator: " + reports.get(reports.size() - 1).toAbsolutePath());

        // 9. lineage: what produced this version, and what a rebuild would still need
        VersionLineage lineage = mlops.lineage().ofVersion(MODEL_NAME, version.version());
        System.out.printf("Lineage of %s: run %s, data %s, commit %s, %s%n", version.uri(), runId,
                lineage.inputs().stream().map(in -> in.input().dataset().name() + "@" + in.input().dataset().digest()
                        .substring(0, 19) + "…").toList(),
                lineage.code().getOrDefault("mlflow.source.git.commit", "not recorded"),
                lineage.gaps().isEmpty() ? "nothing missing" : "gaps: " + lineage.gaps());
        System.out.println(version.uri() + " golden set: " + version.tags().get("mlops.golden.last_check"));
        return new Outcome(runId, version, result.testAuc(), maxDifference, steady, autumn, reports);
    }

    /** A model server that logs every answer for monitoring. */
    private static ModelServer servingWithPredictionLog(Mlops mlops) {
        return ModelServer.builder(mlops).pollInterval(Duration.ofSeconds(30)).predictionLog(PredictionLogOptions.DEFAULTS).build();
    }

    /** Scores each client under a request id, then records the outcome the bank learned for it. */
    private static void serveAndLearnOutcomes(Mlops mlops, Scorer scorer, List<BankClient> clients, String prefix) {
        for (int i = 0; i < clients.size(); i++) {
            scorer.score(prefix + "-" + i, clients.get(i).toScoringInput());
        }
        // Outcomes are recorded by the system that learns them, not by the model's developers.
        Monitoring campaignSystem = mlops.as(CAMPAIGN_SYSTEM).monitoring();
        for (int i = 0; i < clients.size(); i++) {
            campaignSystem.recordLabel(MODEL_NAME, prefix + "-" + i, clients.get(i).label());
        }
    }

    /** Keeps the two monitoring windows apart: the prediction log stamps in milliseconds. */
    private static void sleepPastMillisecond() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The training clients' profile with the model's predictions on them. */
    static DataProfile baseline(Mlops mlops, Scorer candidate, List<BankClient> train) {
        DataProfiler profiler = mlops.monitoring().profiler(candidate.features());
        scoreInBatches(candidate, train, (client, row, prediction) -> profiler.add(row, prediction));
        return profiler.profile();
    }

    /** What to do with each client, its scoring input and its prediction. */
    @FunctionalInterface
    interface ScoredClient {
        void accept(BankClient client, Map<String, Object> row, Prediction prediction);
    }

    /** Scores the clients {@value #SCORING_BATCH} at a time, handing each one on with its prediction. */
    static void scoreInBatches(Scorer scorer, List<BankClient> clients, ScoredClient action) {
        for (int from = 0; from < clients.size(); from += SCORING_BATCH) {
            List<BankClient> batch = clients.subList(from, Math.min(clients.size(), from + SCORING_BATCH));
            List<Map<String, Object>> rows = new ArrayList<>(batch.size());
            batch.forEach(c -> rows.add(c.toScoringInput()));
            List<Prediction> predictions = scorer.scoreBatch(rows);
            for (int i = 0; i < batch.size(); i++) {
                action.accept(batch.get(i), rows.get(i), predictions.get(i));
            }
        }
    }

    /** The first {@value #GOLDEN_CASES} test clients with Tribuo's own class probabilities. */
    static GoldenSet goldenSet(TrainingResult result) {
        List<GoldenCase> cases = new ArrayList<>();
        for (BankClient client : result.split().test().subList(0, GOLDEN_CASES)) {
            Map<String, Double> expected = new java.util.LinkedHashMap<>();
            result.model().predict(result.encoding().toExample(client, LabelFactory.UNKNOWN_LABEL)).getOutputScores()
                    .forEach((label, score) -> expected.put(label, score.getScore()));
            cases.add(new GoldenCase(client.toScoringInput(), java.util.Optional.empty(), expected, List.of()));
        }
        return new GoldenSet(TOLERANCE, cases);
    }

    /** Largest absolute difference in any class probability over the whole test split. */
    static double maxDifferenceFromTribuo(Scorer scorer, TrainingResult result) {
        double[] max = {0};
        scoreInBatches(scorer, result.split().test(), (client, row, served) -> {
            Map<String, Label> tribuo = result.model()
                    .predict(result.encoding().toExample(client, LabelFactory.UNKNOWN_LABEL))
                    .getOutputScores();
            for (Map.Entry<String, Label> expected : tribuo.entrySet()) {
                double difference = Math.abs(served.probability(expected.getKey()) - expected.getValue().getScore());
                max[0] = Math.max(max[0], difference);
            }
        });
        return max[0];
    }

    /** The embedded stores under {@code home}, governed, acting as the data scientist. */
    static Mlops openLocal(Path home) {
        return Mlops.builder().local(home).roles(ROLES).principal(DATA_SCIENTIST).build();
    }

    private static Mlops openStores() {
        String metadata = System.getenv("MLOPS_METADATA_URI");
        String artifacts = System.getenv("MLOPS_ARTIFACT_URI");
        if (metadata == null && artifacts == null) {
            return openLocal(Mlops.defaultHome());
        }
        Map<String, String> options = new java.util.LinkedHashMap<>();
        putIfSet(options, "user", System.getenv("MLOPS_METADATA_USER"));
        putIfSet(options, "password", System.getenv("MLOPS_METADATA_PASSWORD"));
        Mlops.Builder builder = Mlops.builder().roles(ROLES).principal(DATA_SCIENTIST);
        if (metadata != null) {
            builder.metadata(metadata, options);
        } else {
            builder.localMetadata(Mlops.defaultHome());
        }
        if (artifacts != null) {
            builder.artifacts(artifacts);
        } else {
            builder.localArtifacts(Mlops.defaultHome());
        }
        return builder.build();
    }

    private static void putIfSet(Map<String, String> options, String key, String value) {
        if (value != null && !value.isEmpty()) {
            options.put(key, value);
        }
    }
}
