package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.Operator;
import io.mlops.api.spi.search.OrderKey;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The run search contract of {@link io.mlops.api.spi.TrackingStore#searchRuns}: every operator on
 * every entity, runs lacking a key, order with missing values last in both directions, several
 * order keys, the tie-break, offset and limit. Subclass it like {@link TrackingStoreContract}.
 *
 * <p>The fixture has four runs in one experiment, with ids chosen so that the id tie-break is
 * readable ({@code A < C < D} as text), and one run in another experiment that must never appear:
 * <pre>
 * run  start  status    end   name      user   auc(latest) loss trainer   label   team  note      inputs
 * A    1000   FINISHED  5000  alpha     alice  0.70        0.3  lr        zeta    risk  50% off   bank/aa/training, bank/bb/test
 * B    2000   FAILED    6000  beta      bob    0.80        -    xgb       éclair  Risk  -         census/cc/validation
 * C    3000   RUNNING   -     gamma_1   alice  0.75        0.1  LR-tuned  Zeta    -     a_b       -
 * D    3000   KILLED    4000  gamma%2   carol  0.80        -    -         -       -     axb       -
 * X    500    RUNNING   -     other     alice  0.99        -    lr        -       -     -         -     (other experiment)
 * </pre>
 * A's auc was 0.9 at step 0 and 0.7 at step 1: searches see the latest point, 0.7.
 */
public abstract class RunSearchContract {

    protected MetadataStore store;
    private Experiment experiment;
    private Experiment other;
    // Run ids; assertions compare ids, the runs themselves are checked in results_areCompleteRuns.
    private String a;
    private String b;
    private String c;
    private String d;
    private String x;

    /** A new, empty store; the kit closes it after each test. */
    protected abstract MetadataStore newStore();

    @BeforeEach
    void seed() {
        store = newStore();
        experiment = store.createExperiment(id('e'), "search", Map.of(), 1L);
        other = store.createExperiment(id('f'), "elsewhere", Map.of(), 2L);
        a = run(experiment, 'a', "alpha", "alice", 1000);
        b = run(experiment, 'b', "beta", "bob", 2000);
        c = run(experiment, 'c', "gamma_1", "alice", 3000);
        d = run(experiment, 'd', "gamma%2", "carol", 3000);
        x = run(other, '9', "other", "alice", 500);

        store.logMetrics(a, List.of(new Metric("auc", 0.9, 0, 10), new Metric("auc", 0.7, 1, 5), new Metric("loss", 0.3, 0, 1)));
        store.logMetrics(b, List.of(new Metric("auc", 0.8, 0, 1)));
        store.logMetrics(c, List.of(new Metric("auc", 0.75, 0, 1), new Metric("loss", 0.1, 0, 1)));
        store.logMetrics(d, List.of(new Metric("auc", 0.8, 3, 1)));
        store.logMetrics(x, List.of(new Metric("auc", 0.99, 0, 1)));

        store.putParamIfAbsent(a, "trainer", "lr");
        store.putParamIfAbsent(b, "trainer", "xgb");
        store.putParamIfAbsent(c, "trainer", "LR-tuned");
        store.putParamIfAbsent(x, "trainer", "lr");
        store.putParamIfAbsent(a, "label", "zeta");
        store.putParamIfAbsent(b, "label", "éclair");
        store.putParamIfAbsent(c, "label", "Zeta");

        store.setRunTag(a, "team", "risk");
        store.setRunTag(b, "team", "Risk");
        store.setRunTag(a, "note", "50% off");
        store.setRunTag(c, "note", "a_b");
        store.setRunTag(d, "note", "axb");

        store.logInputs(a, List.of(input("bank", "sha256:aa", "training"), input("bank", "sha256:bb", "test")));
        store.logInputs(b, List.of(input("census", "sha256:cc", "validation")));

        store.endRun(a, RunStatus.FINISHED, 5000);
        store.endRun(b, RunStatus.FAILED, 6000);
        store.endRun(d, RunStatus.KILLED, 4000);
    }

    @AfterEach
    void closeStore() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (store != null) {
            store.close();
        }
    }

    // ---- metrics

    @Test
    void metrics_eachOperator_comparesTheLatestValue() {
        assertThat(search(metric("auc", Operator.EQ, 0.8))).containsExactly(d, b);
        assertThat(search(metric("auc", Operator.NE, 0.8))).containsExactly(c, a);
        assertThat(search(metric("auc", Operator.GT, 0.75))).containsExactly(d, b);
        assertThat(search(metric("auc", Operator.GE, 0.75))).containsExactly(c, d, b);
        assertThat(search(metric("auc", Operator.LT, 0.75))).containsExactly(a);
        assertThat(search(metric("auc", Operator.LE, 0.75))).containsExactly(c, a);
        assertThat(search(metric("auc", Operator.EQ, 0.9))).as("an older step's value is not the latest").isEmpty();
        assertThat(search(metric("auc", Operator.EQ, 0.7))).containsExactly(a);
    }

    @Test
    void metrics_runLackingTheKey_matchesNoOperator() {
        assertThat(search(metric("loss", Operator.NE, 0.3))).containsExactly(c);
        assertThat(search(metric("loss", Operator.GE, -1e300))).containsExactly(c, a);
        assertThat(search(metric("no-such-metric", Operator.NE, 0.0))).isEmpty();
    }

    // ---- params and tags

    @Test
    void params_eachOperator() {
        assertThat(search(param("trainer", Operator.EQ, "lr"))).containsExactly(a);
        assertThat(search(param("trainer", Operator.NE, "lr"))).as("D has no trainer").containsExactly(c, b);
        assertThat(search(param("trainer", Operator.LIKE, "lr%"))).as("LIKE is case-sensitive").containsExactly(a);
        assertThat(search(param("trainer", Operator.ILIKE, "lr%"))).containsExactly(c, a);
        assertThat(search(param("trainer", Operator.LIKE, "_gb"))).containsExactly(b);
        assertThat(search(param("trainer", Operator.IN, "xgb", "LR-tuned", "absent"))).containsExactly(c, b);
        assertThat(search(param("trainer", Operator.EQ, "LR"))).isEmpty();
    }

    @Test
    void tags_eachOperator_andLikeEscapes() {
        assertThat(search(tag("team", Operator.EQ, "risk"))).containsExactly(a);
        assertThat(search(tag("team", Operator.ILIKE, "RISK"))).containsExactly(b, a);
        assertThat(search(tag("team", Operator.IN, "Risk"))).containsExactly(b);
        assertThat(search(tag("note", Operator.NE, "x"))).containsExactly(c, d, a);
        assertThat(search(tag("note", Operator.LIKE, "a_b"))).containsExactly(c, d);
        assertThat(search(tag("note", Operator.LIKE, "a\\_b"))).as("escaped _ is literal").containsExactly(c);
        assertThat(search(tag("note", Operator.LIKE, "%\\%%"))).as("escaped %% is literal").containsExactly(a);
        assertThat(search(tag("note", Operator.LIKE, "50%"))).containsExactly(a);
        assertThat(search(tag("note", Operator.LIKE, "50"))).as("LIKE matches the whole value").isEmpty();
    }

    // ---- attributes

    @Test
    void stringAttributes_eachOperator() {
        assertThat(search(attribute(Attribute.RUN_ID, Operator.EQ, b))).containsExactly(b);
        assertThat(search(attribute(Attribute.RUN_ID, Operator.IN, a, x))).as("X is in another experiment")
                .containsExactly(a);
        assertThat(search(attribute(Attribute.RUN_NAME, Operator.LIKE, "gamma%"))).containsExactly(c, d);
        assertThat(search(attribute(Attribute.RUN_NAME, Operator.LIKE, "gamma\\%%"))).containsExactly(d);
        assertThat(search(attribute(Attribute.RUN_NAME, Operator.ILIKE, "ALPHA"))).containsExactly(a);
        assertThat(search(attribute(Attribute.STATUS, Operator.IN, "FINISHED", "KILLED"))).containsExactly(d, a);
        assertThat(search(attribute(Attribute.STATUS, Operator.NE, "RUNNING"))).containsExactly(d, b, a);
        assertThat(search(attribute(Attribute.STATUS, Operator.EQ, "RUNNING"))).containsExactly(c);
        assertThat(search(attribute(Attribute.USER, Operator.EQ, "alice"))).containsExactly(c, a);
        assertThat(search(attribute(Attribute.USER, Operator.ILIKE, "BOB"))).containsExactly(b);
    }

    @Test
    void timeAttributes_eachOperator_andARunningRunHasNoEndTime() {
        assertThat(search(attribute(Attribute.START_TIME, Operator.GT, 1000L))).containsExactly(c, d, b);
        assertThat(search(attribute(Attribute.START_TIME, Operator.LE, 2000L))).containsExactly(b, a);
        assertThat(search(attribute(Attribute.START_TIME, Operator.EQ, 3000L))).containsExactly(c, d);
        assertThat(search(attribute(Attribute.START_TIME, Operator.NE, 3000L))).containsExactly(b, a);
        assertThat(search(attribute(Attribute.START_TIME, Operator.GE, 3000L))).containsExactly(c, d);
        assertThat(search(attribute(Attribute.START_TIME, Operator.LT, 2000L))).containsExactly(a);
        assertThat(search(attribute(Attribute.END_TIME, Operator.LT, 5500L))).containsExactly(d, a);
        assertThat(search(attribute(Attribute.END_TIME, Operator.NE, 0L))).as("C is running").containsExactly(d, b, a);
    }

    // ---- data sets

    @Test
    void datasets_aRunMatchesIfOneOfItsInputsDoes() {
        assertThat(search(dataset("name", Operator.EQ, "bank"))).containsExactly(a);
        assertThat(search(dataset("digest", Operator.EQ, "sha256:bb"))).containsExactly(a);
        assertThat(search(dataset("context", Operator.EQ, "validation"))).containsExactly(b);
        assertThat(search(dataset("context", Operator.NE, "training"))).as("A also has a test input").containsExactly(b, a);
        assertThat(search(dataset("name", Operator.IN, "census", "none"))).containsExactly(b);
        assertThat(search(dataset("name", Operator.LIKE, "b%"))).containsExactly(a);
        assertThat(search(dataset("name", Operator.ILIKE, "CENSUS"))).containsExactly(b);
        assertThat(search(dataset("name", Operator.EQ, "bank"), dataset("context", Operator.EQ, "test"))).containsExactly(a);
        assertThat(search(dataset("name", Operator.NE, "nothing-like-it"))).as("runs without inputs never match")
                .containsExactly(b, a);
    }

    @Test
    void clauses_areJoinedByAnd() {
        assertThat(search(metric("auc", Operator.GE, 0.75), param("trainer", Operator.NE, "xgb"))).containsExactly(c);
        assertThat(search(attribute(Attribute.USER, Operator.EQ, "alice"), tag("note", Operator.LIKE, "%"),
                attribute(Attribute.STATUS, Operator.EQ, "FINISHED"))).containsExactly(a);
        assertThat(search(param("trainer", Operator.EQ, "lr"), param("trainer", Operator.EQ, "xgb"))).isEmpty();
    }

    @Test
    void experiments_onlyThoseGivenAreSearched() {
        RunQuery both = new RunQuery(List.of(experiment.id(), other.id()), List.of(param("trainer", Operator.EQ, "lr")),
                List.of(), 0, 100);
        assertThat(ids(store.searchRuns(both))).containsExactly(a, x);
        RunQuery onlyOther = new RunQuery(List.of(other.id()), List.of(), List.of(), 0, 100);
        assertThat(ids(store.searchRuns(onlyOther))).containsExactly(x);
    }

    // ---- order

    @Test
    void order_defaultIsNewestFirst_thenRunId() {
        assertThat(search()).containsExactly(c, d, b, a);
    }

    @Test
    void order_byMetric_missingValuesLastInBothDirections() {
        assertThat(ordered(asc(Entity.METRIC, "loss"))).containsExactly(c, a, d, b);
        assertThat(ordered(desc(Entity.METRIC, "loss"))).containsExactly(a, c, d, b);
        assertThat(ordered(desc(Entity.METRIC, "auc"))).as("tie on 0.8 broken by start time").containsExactly(d, b, c, a);
    }

    @Test
    void order_byStrings_usesCodePointOrder_missingLast() {
        assertThat(ordered(asc(Entity.PARAM, "trainer"))).containsExactly(c, a, b, d);
        assertThat(ordered(desc(Entity.PARAM, "trainer"))).containsExactly(b, a, c, d);
        assertThat(ordered(asc(Entity.PARAM, "label"))).as("'Z' < 'z' < 'é' by code point").containsExactly(c, a, b, d);
        assertThat(ordered(desc(Entity.PARAM, "label"))).containsExactly(b, a, c, d);
        assertThat(ordered(asc(Entity.TAG, "note"))).containsExactly(a, c, d, b);
        assertThat(ordered(desc(Entity.TAG, "note"))).containsExactly(d, c, a, b);
    }

    @Test
    void order_byAttributes() {
        assertThat(ordered(asc(Entity.ATTRIBUTE, "end_time"))).containsExactly(d, a, b, c);
        assertThat(ordered(desc(Entity.ATTRIBUTE, "end_time"))).containsExactly(b, a, d, c);
        assertThat(ordered(asc(Entity.ATTRIBUTE, "start_time"))).as("tie on 3000 broken by run id").containsExactly(a, b, c, d);
        assertThat(ordered(asc(Entity.ATTRIBUTE, "run_name"))).containsExactly(a, b, d, c);
        assertThat(ordered(desc(Entity.ATTRIBUTE, "status"))).containsExactly(c, d, a, b);
        assertThat(ordered(asc(Entity.ATTRIBUTE, "user"), desc(Entity.ATTRIBUTE, "run_id"))).containsExactly(c, a, b, d);
    }

    @Test
    void order_bySeveralKeys_laterKeysBreakTies() {
        assertThat(ordered(desc(Entity.METRIC, "auc"), asc(Entity.ATTRIBUTE, "run_name"))).containsExactly(b, d, c, a);
        assertThat(ordered(desc(Entity.METRIC, "auc"), desc(Entity.ATTRIBUTE, "run_name"))).containsExactly(d, b, c, a);
        assertThat(ordered(asc(Entity.TAG, "team"), desc(Entity.METRIC, "loss"))).as("neither C nor D has a team")
                .containsExactly(b, a, c, d);
    }

    @Test
    void order_withFilter() {
        RunQuery q = new RunQuery(List.of(experiment.id()), List.of(metric("auc", Operator.GE, 0.75)),
                List.of(asc(Entity.METRIC, "auc")), 0, 100);
        assertThat(ids(store.searchRuns(q))).containsExactly(c, d, b);
    }

    // ---- offset and limit

    @Test
    void offsetAndLimit_pageThroughTheOrderWithoutGapsOrRepeats() {
        List<OrderKey> order = List.of(desc(Entity.METRIC, "auc"));
        List<String> all = ids(store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(), order, 0, 100)));
        assertThat(all).containsExactly(d, b, c, a);
        for (int size = 1; size <= 4; size++) {
            List<String> paged = new ArrayList<>();
            for (int offset = 0; offset < 6; offset += size) {
                List<String> page = ids(store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(), order, offset, size)));
                assertThat(page.size()).isLessThanOrEqualTo(size);
                paged.addAll(page);
            }
            assertThat(paged).as("pages of %d", size).containsExactlyElementsOf(all);
        }
        assertThat(store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(), order, 4, 10))).isEmpty();
    }

    @Test
    void results_areCompleteRuns_equalToFindRun() {
        List<Run> all = store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(), List.of(), 0, 100));
        assertThat(all).hasSize(4).allSatisfy(r -> assertThat(r).isEqualTo(store.findRun(r.id()).orElseThrow()));
        Run found = all.get(all.size() - 1);
        assertThat(found.id()).isEqualTo(a);
        assertThat(found.params()).containsEntry("trainer", "lr");
        assertThat(found.tags()).containsEntry("note", "50% off");
        assertThat(found.inputs()).hasSize(2);
        assertThat(found.metric("auc")).contains(0.7);
        assertThat(found.status()).isEqualTo(RunStatus.FINISHED);
    }

    // ---- helpers

    private List<String> search(Comparison... filter) {
        return ids(store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(filter), List.of(), 0, 100)));
    }

    private List<String> ordered(OrderKey... order) {
        return ids(store.searchRuns(new RunQuery(List.of(experiment.id()), List.of(), List.of(order), 0, 100)));
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }

    private String run(Experiment in, char idChar, String name, String user, long start) {
        Run run = new Run(id(idChar), in.id(), name, Optional.empty(), RunStatus.RUNNING, start, OptionalLong.empty(), user,
                Map.of(), Map.of(), Map.of(), List.of());
        store.createRun(run);
        return run.id();
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(32);
    }

    private static DatasetInput input(String name, String digest, String context) {
        return new DatasetInput(Dataset.builder(name, digest).build(), context);
    }

    private static Comparison metric(String key, Operator op, double value) {
        return new Comparison(new Field(Entity.METRIC, key), op, List.of(value));
    }

    private static Comparison param(String key, Operator op, String... values) {
        return new Comparison(new Field(Entity.PARAM, key), op, List.of((Object[]) values));
    }

    private static Comparison tag(String key, Operator op, String... values) {
        return new Comparison(new Field(Entity.TAG, key), op, List.of((Object[]) values));
    }

    private static Comparison attribute(Attribute attribute, Operator op, Object... values) {
        return new Comparison(new Field(Entity.ATTRIBUTE, attribute.key()), op, List.of(values));
    }

    private static Comparison dataset(String key, Operator op, String... values) {
        return new Comparison(new Field(Entity.DATASET, key), op, List.of((Object[]) values));
    }

    private static OrderKey asc(Entity entity, String key) {
        return new OrderKey(new Field(entity, key), true);
    }

    private static OrderKey desc(Entity entity, String key) {
        return new OrderKey(new Field(entity, key), false);
    }
}
