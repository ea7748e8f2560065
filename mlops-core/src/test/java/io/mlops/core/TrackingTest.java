package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mlops.Mlops;
import io.mlops.api.AlreadyExistsException;
import io.mlops.api.ConflictException;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.artifact.StoredObject;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetColumn;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.RunStatus;
import io.mlops.api.tracking.Tracking;
import io.mlops.tck.Concurrently;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tracking through the public API over the in-memory stores. */
class TrackingTest {

    private static final Instant T0 = Instant.parse("2024-03-01T09:00:00Z");
    private static final String END_REASON_TAG = "mlops.end_reason";

    private final MutableClock clock = new MutableClock(T0);
    private Mlops mlops;
    private Tracking tracking;

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").clock(clock).principal(Principal.of("alice"))
                .captureEnvironment(false) // these tests assert exact tags and artifacts; RunEnvironmentTest covers capture
                .build();
        tracking = mlops.tracking();
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    // ---- experiments

    @Test
    void getOrCreateExperiment_sameName_returnsTheSameExperiment() {
        Experiment first = tracking.getOrCreateExperiment("credit-risk");
        clock.advance(Duration.ofMinutes(1));
        Experiment second = tracking.getOrCreateExperiment("credit-risk");

        assertThat(second).isEqualTo(first);
        assertThat(first.creationTime()).isEqualTo(T0.toEpochMilli());
        assertThat(tracking.listExperiments()).containsExactly(first);
    }

    @Test
    void getOrCreateExperiment_sameNameConcurrently_yieldsOneExperiment() throws Exception {
        List<Callable<Experiment>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(() -> tracking.getOrCreateExperiment("race"));
        }
        List<Experiment> results = Concurrently.run(tasks);

        assertThat(results).hasSize(8);
        assertThat(results.stream().map(Experiment::id).distinct()).hasSize(1);
        assertThat(tracking.listExperiments()).extracting(Experiment::name).containsExactly("race");
    }

    @Test
    void createExperiment_duplicateName_isRefusedNamingIt() {
        tracking.createExperiment("credit-risk", Map.of("team", "retail"));

        assertThatThrownBy(() -> tracking.createExperiment("credit-risk", Map.of()))
                .isInstanceOf(AlreadyExistsException.class)
                .hasMessageContaining("credit-risk");
        assertThat(tracking.getExperimentByName("credit-risk").tags()).containsExactly(Map.entry("team", "retail"));
    }

    @Test
    void getExperiment_unknownId_isNotFoundNamingTheId() {
        assertThatThrownBy(() -> tracking.getExperiment("0123456789abcdef0123456789abcdef"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> tracking.getExperimentByName("nowhere"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nowhere");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "tab\there", "new\nline", "nul\u0000"})
    void experimentName_blankOrWithControlCharacters_isRefusedAndNothingStored(String name) {
        assertThatThrownBy(() -> tracking.getOrCreateExperiment(name))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("experiment name '" + name + "'");
        assertThatThrownBy(() -> tracking.createExperiment(name, Map.of()))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> tracking.startRun(name)).isInstanceOf(InvalidArgumentException.class);
        assertThat(tracking.listExperiments()).isEmpty();
    }

    @Test
    void experimentName_tooLong_isRefusedAndNothingStored() {
        String longest = "e".repeat(256);
        String tooLong = "e".repeat(257);

        assertThatThrownBy(() -> tracking.getOrCreateExperiment(tooLong))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(tooLong)
                .hasMessageContaining("256");
        assertThat(tracking.listExperiments()).isEmpty();
        assertThat(tracking.getOrCreateExperiment(longest).name()).isEqualTo(longest);
    }

    // ---- run lifecycle

    @Test
    void run_finishedInTryWithResources_isFinishedWithEndTimeFromTheClock() {
        String id;
        try (ActiveRun run = tracking.startRun(RunSpec.builder("credit-risk").name("baseline").tag("team", "retail").build())) {
            id = run.id();
            clock.advance(Duration.ofSeconds(42));
            run.finish();
        }

        Run run = tracking.getRun(id);
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.startTime()).isEqualTo(T0.toEpochMilli());
        assertThat(run.endTime()).hasValue(T0.plusSeconds(42).toEpochMilli());
        assertThat(run.user()).isEqualTo("alice");
        assertThat(run.name()).isEqualTo("baseline");
        assertThat(run.tags()).containsEntry("team", "retail").doesNotContainKey(END_REASON_TAG);
        assertThat(run.experimentId()).isEqualTo(tracking.getExperimentByName("credit-risk").id());
        assertThat(run.id()).matches("[0-9a-f]{32}");
    }

    @Test
    void run_exceptionInTryWithResources_endsFailedAndTheSameExceptionPropagates() {
        IllegalStateException thrown = new IllegalStateException("training diverged");
        String[] id = new String[1];

        Throwable caught = catchThrowable(() -> {
            try (ActiveRun run = tracking.startRun("credit-risk")) {
                id[0] = run.id();
                run.logParam("lr", "0.1");
                clock.advance(Duration.ofSeconds(5));
                throw thrown;
            }
        });

        assertThat(caught).isSameAs(thrown);
        assertThat(caught.getSuppressed()).isEmpty();
        Run run = tracking.getRun(id[0]);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.endTime()).hasValue(T0.plusSeconds(5).toEpochMilli());
        assertThat(run.tags()).containsKey(END_REASON_TAG);
        assertThat(run.tags().get(END_REASON_TAG)).isNotBlank();
        assertThat(run.params()).containsExactly(Map.entry("lr", "0.1"));
    }

    @Test
    void run_closedWithoutFinish_endsFailed() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.close();
        run.close();

        assertThat(tracking.getRun(run.id()).status()).isEqualTo(RunStatus.FAILED);
        assertThat(tracking.getRun(run.id()).tags()).containsKey(END_REASON_TAG);
    }

    @Test
    void runWithBody_returning_finishesAndReturnsTheValue() {
        String[] id = new String[1];
        double auc = tracking.run(RunSpec.builder("credit-risk").build(), run -> {
            id[0] = run.id();
            run.logMetric("auc", 0.81);
            clock.advance(Duration.ofMillis(1500));
            return 0.81;
        });

        assertThat(auc).isEqualTo(0.81);
        Run run = tracking.getRun(id[0]);
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.endTime()).hasValue(T0.toEpochMilli() + 1500);
        assertThat(run.metric("auc")).contains(0.81);
    }

    @Test
    void runWithBody_endingTheRunItself_keepsItsEndAndReturnsTheValue() {
        String[] ids = new String[2];
        String finished = tracking.run(RunSpec.builder("credit-risk").build(), run -> {
            ids[0] = run.id();
            run.finish();
            return "done";
        });
        String killed = tracking.run(RunSpec.builder("credit-risk").build(), run -> {
            ids[1] = run.id();
            run.end(RunStatus.KILLED);
            return "stopped";
        });

        assertThat(finished).isEqualTo("done");
        assertThat(killed).isEqualTo("stopped");
        assertThat(tracking.getRun(ids[0]).status()).isEqualTo(RunStatus.FINISHED);
        assertThat(tracking.getRun(ids[1]).status()).isEqualTo(RunStatus.KILLED);
    }

    @Test
    void runWithBody_throwingRuntimeException_failsAndRethrowsTheSameException() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad feature");
        String[] id = new String[1];

        Throwable caught = catchThrowable(() -> tracking.run(RunSpec.builder("credit-risk").build(), run -> {
            id[0] = run.id();
            throw thrown;
        }));

        assertThat(caught).isSameAs(thrown);
        Run run = tracking.getRun(id[0]);
        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.tags().get(END_REASON_TAG)).contains("bad feature");
    }

    @Test
    void runWithBody_throwingCheckedException_failsAndWrapsItInMlopsException() {
        IOException thrown = new IOException("disk gone");
        String[] id = new String[1];

        Throwable caught = catchThrowable(() -> tracking.run(RunSpec.builder("credit-risk").build(), run -> {
            id[0] = run.id();
            throw thrown;
        }));

        assertThat(caught).isExactlyInstanceOf(MlopsException.class).hasCause(thrown);
        assertThat(caught.getCause()).isSameAs(thrown);
        assertThat(caught).hasMessageContaining(id[0]);
        assertThat(tracking.getRun(id[0]).status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void loggingAfterEnd_isAConflict() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.finish();

        assertThatThrownBy(() -> run.logParam("lr", "0.1")).isInstanceOf(ConflictException.class)
                .hasMessageContaining(run.id()).hasMessageContaining("FINISHED");
        assertThatThrownBy(() -> run.logMetric("auc", 0.5)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> run.logMetrics(Map.of("auc", 0.5), 1)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> run.setTag("k", "v")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> run.logInput(dataset(), "training")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> run.logArtifact(bytes("x"), "notes.txt")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> run.startChild("child")).isInstanceOf(ConflictException.class);

        Run stored = tracking.getRun(run.id());
        assertThat(stored.params()).isEmpty();
        assertThat(stored.latestMetrics()).isEmpty();
        assertThat(stored.tags()).isEmpty();
        assertThat(stored.inputs()).isEmpty();
        assertThat(tracking.listArtifacts(run.id())).isEmpty();
    }

    @Test
    void endTwice_isAConflictAndKeepsTheFirstEnd() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.end(RunStatus.KILLED);
        clock.advance(Duration.ofSeconds(1));

        assertThatThrownBy(run::finish).isInstanceOf(ConflictException.class).hasMessageContaining("KILLED");
        assertThatThrownBy(() -> run.end(RunStatus.FAILED)).isInstanceOf(ConflictException.class);
        run.close();

        Run stored = tracking.getRun(run.id());
        assertThat(stored.status()).isEqualTo(RunStatus.KILLED);
        assertThat(stored.endTime()).hasValue(T0.toEpochMilli());
    }

    @Test
    void end_asRunning_isRefused() {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.end(RunStatus.RUNNING)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("RUNNING");
        assertThat(tracking.getRun(run.id()).status()).isEqualTo(RunStatus.RUNNING);
    }

    @Test
    void getRun_unknownId_isNotFoundNamingTheId() {
        assertThatThrownBy(() -> tracking.getRun("ffffffffffffffffffffffffffffffff"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("ffffffffffffffffffffffffffffffff");
    }

    // ---- params, tags, metrics

    @Test
    void param_sameValueTwice_isAccepted() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.logParam("lr", "0.1").logParam("lr", "0.1");
        run.logParams(Map.of("lr", "0.1", "depth", "3"));

        assertThat(run.snapshot().params()).containsOnly(Map.entry("lr", "0.1"), Map.entry("depth", "3"));
    }

    @Test
    void param_differentValue_isAConflictNamingKeyAndBothValues() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.logParam("learning_rate", "0.1");

        assertThatThrownBy(() -> run.logParam("learning_rate", "0.25"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("learning_rate")
                .hasMessageContaining("0.1")
                .hasMessageContaining("0.25");
        assertThat(run.snapshot().params()).containsExactly(Map.entry("learning_rate", "0.1"));
    }

    @Test
    void tag_mayBeOverwritten() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.setTag("stage", "draft").setTag("stage", "review");

        assertThat(run.snapshot().tags()).containsEntry("stage", "review");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void metric_notFinite_isRefusedNamingMetricAndValue(double value) {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logMetric("loss", value))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("loss")
                .hasMessageContaining(Double.toString(value));
        Map<String, Double> batch = new LinkedHashMap<>();
        batch.put("auc", 0.7);
        batch.put("loss", value);
        assertThatThrownBy(() -> run.logMetrics(batch, 1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("loss")
                .hasMessageContaining(Double.toString(value));

        assertThat(run.snapshot().latestMetrics()).isEmpty();
        assertThat(tracking.getMetricHistory(run.id(), "auc")).isEmpty();
    }

    @Test
    void metric_negativeStep_isRefused() {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logMetric("loss", 0.3, -1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("loss")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> run.logMetrics(Map.of("loss", 0.3), -2))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("-2");
        assertThat(tracking.getMetricHistory(run.id(), "loss")).isEmpty();
    }

    @Test
    void metricHistory_isOrderedByStepThenTime_andSnapshotHoldsTheLatestStep() {
        ActiveRun run = tracking.startRun("credit-risk");
        long t0 = T0.toEpochMilli();
        run.logMetric("loss", 0.5, 2);
        clock.advance(Duration.ofSeconds(1));
        run.logMetric("loss", 0.9, 0);
        clock.advance(Duration.ofSeconds(1));
        run.logMetric("loss", 0.7, 1);
        clock.advance(Duration.ofSeconds(1));
        run.logMetric("loss", 0.4, 2);

        assertThat(tracking.getMetricHistory(run.id(), "loss")).containsExactly(
                new Metric("loss", 0.9, 0, t0 + 1000),
                new Metric("loss", 0.7, 1, t0 + 2000),
                new Metric("loss", 0.5, 2, t0),
                new Metric("loss", 0.4, 2, t0 + 3000));
        assertThat(run.snapshot().metric("loss")).contains(0.4);
        assertThat(run.snapshot().latestMetrics().get("loss")).isEqualTo(new Metric("loss", 0.4, 2, t0 + 3000));
        assertThat(run.snapshot().metric("never-logged")).isEmpty();
    }

    @Test
    void logMetrics_storesEveryKeyAtOneStepAndTime() {
        ActiveRun run = tracking.startRun("credit-risk");
        clock.advance(Duration.ofSeconds(3));
        run.logMetrics(Map.of("auc", 0.81, "loss", 0.42), 7);

        long now = T0.plusSeconds(3).toEpochMilli();
        assertThat(tracking.getMetricHistory(run.id(), "auc")).containsExactly(new Metric("auc", 0.81, 7, now));
        assertThat(tracking.getMetricHistory(run.id(), "loss")).containsExactly(new Metric("loss", 0.42, 7, now));
        assertThat(run.snapshot().latestMetrics()).containsOnlyKeys("auc", "loss");
    }

    // ---- names and sizes

    @ParameterizedTest
    @ValueSource(strings = {"a*b", "semi;colon", "/leading", "with\nnewline", "a..b", "ümlaut"})
    void paramKey_invalid_isRefusedNamingItAndNothingStored(String key) {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logParam(key, "1"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("param key '" + key + "'");
        assertThatThrownBy(() -> run.logMetric(key, 1.0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(key);
        assertThatThrownBy(() -> run.setTag(key, "v")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(key);

        Run stored = run.snapshot();
        assertThat(stored.params()).isEmpty();
        assertThat(stored.latestMetrics()).isEmpty();
        assertThat(stored.tags()).isEmpty();
    }

    @Test
    void paramKey_everyAllowedCharacter_isAccepted() {
        ActiveRun run = tracking.startRun("credit-risk");
        run.logParam("model/lr_rate-1.0: x", "v");

        assertThat(run.snapshot().params()).containsEntry("model/lr_rate-1.0: x", "v");
    }

    @Test
    void paramValue_tooLong_isRefusedNamingTheKeyAndSize_andNothingStored() {
        ActiveRun run = tracking.startRun("credit-risk");
        String tooLong = "x".repeat(6001);

        assertThatThrownBy(() -> run.logParam("features", tooLong))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("features")
                .hasMessageContaining("6001 characters")
                .hasMessageContaining("6000");
        assertThat(run.snapshot().params()).isEmpty();

        run.logParam("features", "x".repeat(6000));
        assertThat(run.snapshot().params().get("features")).hasSize(6000);
    }

    @Test
    void tagValue_tooLong_isRefusedNamingTheKeyAndSize_andNothingStored() {
        ActiveRun run = tracking.startRun("credit-risk");
        String tooLong = "y".repeat(8001);

        assertThatThrownBy(() -> run.setTag("notes", tooLong))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("notes")
                .hasMessageContaining("8001 characters")
                .hasMessageContaining("8000");
        assertThat(run.snapshot().tags()).isEmpty();
        assertThatThrownBy(() -> tracking.startRun(RunSpec.builder("credit-risk").tag("notes", tooLong).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("8001 characters");
        assertThat(tracking.listRuns(run.experimentId())).hasSize(1);
    }

    // ---- nested runs

    @Test
    void startChild_setsParentAndExperiment() {
        try (ActiveRun parent = tracking.startRun("credit-risk")) {
            try (ActiveRun child = parent.startChild("fold-1")) {
                child.finish();
                Run stored = tracking.getRun(child.id());
                assertThat(stored.parentRunId()).contains(parent.id());
                assertThat(stored.experimentId()).isEqualTo(parent.experimentId());
                assertThat(stored.name()).isEqualTo("fold-1");
            }
            parent.finish();
        }
    }

    @Test
    void startRun_parentFromAnotherExperiment_isRefusedAndNoRunIsCreated() {
        ActiveRun parent = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> tracking.startRun(RunSpec.builder("churn").parent(parent.id()).build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(parent.id())
                .hasMessageContaining("churn");
        assertThat(tracking.findExperimentByName("churn")).isEmpty();
        assertThat(tracking.listRuns(parent.experimentId())).extracting(Run::id).containsExactly(parent.id());
    }

    @Test
    void startRun_unknownParent_isNotFound() {
        assertThatThrownBy(() -> tracking.startRun(RunSpec.builder("credit-risk").parent("00000000000000000000000000000000").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("00000000000000000000000000000000");
    }

    // ---- inputs

    @Test
    void logInput_isVisibleOnTheRun_andRepeatsAreIgnored() {
        ActiveRun run = tracking.startRun("credit-risk");
        Dataset data = dataset();
        run.logInput(data, "training").logInput(data, "training").logInput(data, "validation");

        assertThat(run.snapshot().inputs()).containsExactly(
                new DatasetInput(data, "training"), new DatasetInput(data, "validation"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Training", "1st", "train ing", "tr/ain"})
    void logInput_invalidContext_isRefusedNamingItAndNothingStored(String context) {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logInput(dataset(), context))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'" + context + "'");
        assertThat(run.snapshot().inputs()).isEmpty();
    }

    @Test
    void logInput_blankDatasetName_isRefused() {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logInput(Dataset.builder(" ", "sha256:00").build(), "training"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("dataset name");
        assertThat(run.snapshot().inputs()).isEmpty();
    }

    // ---- artifacts

    @Test
    void logArtifact_fileAndStream_areStoredUnderTheRunAndListed(@TempDir Path dir) throws IOException {
        ActiveRun run = tracking.startRun("credit-risk");
        Path file = Files.writeString(dir.resolve("report.txt"), "auc=0.81");

        StoredObject fromFile = run.logArtifact(file, "reports/report.txt");
        StoredObject fromStream = run.logArtifact(bytes("model-bytes"), "model/model.bin");

        String prefix = "runs/" + run.id() + "/";
        assertThat(fromFile.key()).isEqualTo(prefix + "reports/report.txt");
        assertThat(fromStream.key()).isEqualTo(prefix + "model/model.bin");
        assertThat(run.artifactKey("model/model.bin")).isEqualTo(fromStream.key());
        assertThat(fromFile.size()).isEqualTo(8);
        assertThat(tracking.listArtifacts(run.id())).containsExactly(fromStream, fromFile);
        try (InputStream in = mlops.artifacts().open(fromFile.key())) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("auc=0.81");
        }
        ActiveRun other = tracking.startRun("credit-risk");
        assertThat(tracking.listArtifacts(other.id())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../x", "/abs", "a//b", "a\\b", "./x"})
    void logArtifact_invalidPath_isRefusedNamingItAndNothingStored(String path) {
        ActiveRun run = tracking.startRun("credit-risk");

        assertThatThrownBy(() -> run.logArtifact(bytes("x"), path))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(path);
        assertThat(mlops.artifacts().list("")).isEmpty();
    }

    @Test
    void listArtifacts_unknownRun_isNotFound() {
        assertThatThrownBy(() -> tracking.listArtifacts("abcdefabcdefabcdefabcdefabcdefab"))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("abcdefabcdefabcdefabcdefabcdefab");
    }

    @Test
    void listRuns_newestFirst() {
        ActiveRun first = tracking.startRun("credit-risk");
        clock.advance(Duration.ofSeconds(1));
        ActiveRun second = tracking.startRun("credit-risk");

        assertThat(tracking.listRuns(first.experimentId())).extracting(Run::id).containsExactly(second.id(), first.id());
    }

    private static Dataset dataset() {
        return Dataset.builder("bank-marketing", "sha256:" + "2d".repeat(32))
                .source("file:data/bank-marketing.csv")
                .rowCount(41_188)
                .schema(List.of(new DatasetColumn("age", "integer")))
                .build();
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
