package io.mlops.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.MetadataStore;
import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.RunQuery;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Dataset;
import io.mlops.api.tracking.DatasetInput;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Metric;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunPage;
import io.mlops.api.tracking.RunSearch;
import io.mlops.api.tracking.RunSpec;
import io.mlops.api.tracking.RunStatus;
import io.mlops.api.tracking.Tracking;
import io.mlops.core.internal.search.InMemoryRunSearch;
import io.mlops.core.internal.search.RunSearches;
import io.mlops.stores.InMemoryArtifactStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Run search on a SQL database, beyond the TCK: injection attempts through the public API, and a
 * differential test in which random searches must select exactly what the in-memory evaluator
 * selects from the same runs.
 */
abstract class SqlRunSearchTests {

    private static final String INJECTION = "x' OR '1'='1";
    private static final String DROP = "'; DROP TABLE runs; --";

    private MetadataStore store;
    private Mlops mlops;
    private Tracking tracking;

    abstract MetadataStore newStore();

    @BeforeEach
    void open() {
        store = newStore();
        mlops = Mlops.builder().metadata(store).artifacts(new InMemoryArtifactStore()).build();
        tracking = mlops.tracking();
    }

    @AfterEach
    void close() {
        // Null when newStore() aborted the test, e.g. because its server is not configured.
        if (mlops != null) {
            mlops.close();
        }
    }

    // ---- injection

    @Test
    void injectionAttempts_matchLiterallyOrAreRefused_andLeaveTheTablesIntact() {
        Experiment experiment = tracking.getOrCreateExperiment("injection");
        String plain = startedRun("plain", Map.of("trainer", "lr"));
        String quoted = startedRun("quoted", Map.of("trainer", INJECTION));
        String dropper = startedRun("dropper", Map.of("trainer", DROP));

        assertThat(matches(experiment, "params.trainer = 'x'' OR ''1''=''1'")).containsExactly(quoted);
        assertThat(matches(experiment, "params.trainer = \"x' OR '1'='1\"")).containsExactly(quoted);
        assertThat(matches(experiment, "params.trainer = \"'; DROP TABLE runs; --\"")).containsExactly(dropper);
        assertThat(matches(experiment, "params.trainer = 'lr'' OR 1=1 --'")).isEmpty();
        assertThat(matches(experiment, "params.trainer LIKE '%'' OR ''1''=''1'")).containsExactly(quoted);
        assertThat(matches(experiment, "params.trainer ILIKE '%drop table%'")).containsExactly(dropper);
        assertThat(matches(experiment, "params.`'; DROP TABLE runs; --` = 'x'")).isEmpty();
        assertThat(matches(experiment, "params.`trainer' OR '1'='1` != 'x'")).isEmpty();
        assertThat(matches(experiment, "tags.`a\"b` = 'x' AND metrics.`x) OR (1=1` > 0")).isEmpty();
        assertThat(matches(experiment, "attributes.run_id IN ('a'') OR 1=1 --', \"b\"\" OR 1=1\")")).isEmpty();
        assertThat(matches(experiment, "datasets.name = '1'' UNION SELECT id FROM runs --'")).isEmpty();
        assertThat(matches(experiment, "attributes.run_name = 'plain'")).containsExactly(plain);
        assertThat(ids(tracking.searchRuns(RunSearch.builder(experiment.id())
                .orderBy("params.`x; DROP TABLE runs; --` DESC", "tags.`' OR 1=1` ASC").build()).runs()))
                .containsExactlyInAnyOrder(plain, quoted, dropper);

        for (String refused : List.of(
                "params.trainer = 'lr' OR 1=1",
                "params.trainer = 'lr'; DROP TABLE runs",
                "params.trainer = 'lr' -- ",
                "params.trainer = '\\'' OR 1=1",
                "params.trainer = 'lr' /* */",
                "metrics.auc > 1; DELETE FROM runs",
                "metrics.auc > (SELECT 1)",
                "attributes.status = 'FINISHED'' OR ''1''=''1'",
                "attributes.start_time > 0 OR 1=1",
                "params.trainer IN ('lr') UNION SELECT id FROM runs")) {
            assertThatThrownBy(() -> matches(experiment, refused)).as(refused).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("at position");
        }

        assertThat(ids(tracking.listRuns(experiment.id()))).containsExactlyInAnyOrder(plain, quoted, dropper);
        assertThat(tracking.getRun(quoted).params()).containsEntry("trainer", INJECTION);
        assertThat(tracking.findExperimentByName("injection")).isPresent();
        assertThat(matches(experiment, "")).hasSize(3);
    }

    private String startedRun(String name, Map<String, String> params) {
        ActiveRun run = tracking.startRun(RunSpec.builder("injection").name(name).build());
        run.logParams(params);
        run.logMetric("auc", 0.5);
        run.finish();
        return run.id();
    }

    private List<String> matches(Experiment experiment, String filter) {
        return ids(tracking.searchRuns(RunSearch.builder(experiment.id()).filter(filter).build()).runs());
    }

    // ---- differential

    private static final List<String> METRIC_KEYS = List.of("auc", "loss", "f1 score", "rare");
    private static final List<Double> METRIC_VALUES = List.of(-1.5, 0.0, 1e-9, 0.25, 0.5, 0.75, 1.0, 2500.0, -3e-4);
    private static final List<String> PARAM_KEYS = List.of("trainer", "lr", "note");
    private static final List<String> TAG_KEYS = List.of("team", "note", "mlflow.source");
    private static final List<String> STRINGS = List.of("lr", "LR", "xgb", "a%b", "a_b", "axb", "50%", "é", "É", "naïve",
            "NAÏVE", "中文", "Zeta", "zeta", "ÄÖ", "äö", "back\\slash", "", " ", "x' OR '1'='1", "ω", "Ω", "\"q\"",
            // Around PostgreSQL's 256-character indexed prefix: equal prefixes, different values.
            "p".repeat(255), "p".repeat(256), "p".repeat(256) + "q", "p".repeat(256) + "r", "p".repeat(300));
    private static final List<String> PATTERNS = List.of("%", "a%", "%b", "a_b", "a\\_b", "%\\%%", "_", "__", "%é%",
            "L%", "l%", "%x%", "50\\%", "back\\\\slash", "z%", "Z%", "%Ä%", "%ö", "ω", "%'%", "_%_", "%中%");
    private static final List<String> NAMES = List.of("baseline", "tuned", "Tuned", "tuned_2", "tuned%3", "ünïcode");
    private static final List<String> USERS = List.of("alice", "bob", "Alice");
    private static final List<String> DATASET_NAMES = List.of("bank", "Bank", "census");
    private static final List<String> DIGESTS = List.of("sha256:aa", "sha256:bb", "sha256:cc");
    private static final List<String> CONTEXTS = List.of("training", "test", "validation");
    private static final List<Long> START_TIMES = List.of(1_000L, 2_000L, 2_000L, 3_000L, 4_000L, 5_000L);

    @Test
    void randomSearches_selectExactlyWhatTheInMemoryEvaluatorSelects() {
        long seed = Long.getLong("mlops.test.seed", 20_241_122L);
        Random random = new Random(seed);
        Experiment first = store.createExperiment(newId(), "differential-1", Map.of(), 1L);
        Experiment second = store.createExperiment(newId(), "differential-2", Map.of(), 2L);
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            runIds.add(seedRun(random, random.nextInt(5) == 0 ? second : first));
        }
        // The oracle sees each run as the store returns it on its own, not through search.
        List<Run> runs = runIds.stream().map(id -> store.findRun(id).orElseThrow()).toList();

        int nonEmpty = 0;
        for (int q = 0; q < 400; q++) {
            List<String> experiments = random.nextInt(4) == 0 ? List.of(first.id(), second.id()) : List.of(first.id());
            String filter = randomFilter(random);
            List<String> order = randomOrder(random);
            RunQuery query = new RunQuery(experiments, RunSearches.parseFilter(filter), RunSearches.parseOrderBy(order),
                    random.nextInt(4) == 0 ? random.nextInt(30) : 0, 1 + random.nextInt(random.nextBoolean() ? 20 : 400));
            List<String> expected = ids(InMemoryRunSearch.search(runs, query));
            assertThat(ids(store.searchRuns(query)))
                    .as("seed %d, query %d: filter \"%s\", order %s, offset %d, limit %d", seed, q, filter, order,
                            query.offset(), query.limit())
                    .containsExactlyElementsOf(expected);
            if (!expected.isEmpty()) {
                nonEmpty++;
            }
        }
        // Guards the generator: a differential test whose searches all come back empty proves nothing.
        assertThat(nonEmpty).as("searches with results").isGreaterThan(150);

        // Paging through the public API with tokens agrees with the evaluator too.
        for (int q = 0; q < 10; q++) {
            String filter = randomFilter(random);
            List<String> order = randomOrder(random);
            RunSearch search = RunSearch.builder(first.id()).filter(filter).orderBy(order.toArray(String[]::new))
                    .pageSize(1 + random.nextInt(40)).build();
            List<String> paged = new ArrayList<>();
            RunPage page = tracking.searchRuns(search);
            paged.addAll(ids(page.runs()));
            while (page.nextPageToken().isPresent()) {
                page = tracking.searchRuns(search.withPageToken(page.nextPageToken().get()));
                paged.addAll(ids(page.runs()));
            }
            RunQuery all = new RunQuery(List.of(first.id()), RunSearches.parseFilter(filter), RunSearches.parseOrderBy(order), 0, 10_000);
            assertThat(paged).as("seed %d, paged search \"%s\" %s", seed, filter, order).doesNotHaveDuplicates()
                    .containsExactlyElementsOf(ids(InMemoryRunSearch.search(runs, all)));
        }
    }

    private String seedRun(Random random, Experiment experiment) {
        String id = newId();
        store.createRun(new Run(id, experiment.id(), pick(random, NAMES), Optional.empty(), RunStatus.RUNNING,
                pick(random, START_TIMES), OptionalLong.empty(), pick(random, USERS), Map.of(), Map.of(), Map.of(), List.of()));
        List<Metric> points = new ArrayList<>();
        for (String key : METRIC_KEYS) {
            if (random.nextInt(key.equals("rare") ? 10 : 3) == 0) {
                continue;
            }
            for (int p = 1 + random.nextInt(3); p > 0; p--) {
                points.add(new Metric(key, pick(random, METRIC_VALUES), random.nextInt(3), random.nextInt(3)));
            }
        }
        if (!points.isEmpty()) {
            store.logMetrics(id, points);
        }
        for (String key : PARAM_KEYS) {
            if (random.nextInt(4) != 0) {
                store.putParamIfAbsent(id, key, pick(random, STRINGS));
            }
        }
        for (String key : TAG_KEYS) {
            if (random.nextInt(3) != 0) {
                store.setRunTag(id, key, pick(random, STRINGS));
            }
        }
        List<DatasetInput> inputs = new ArrayList<>();
        for (int n = random.nextInt(3); n > 0; n--) {
            inputs.add(new DatasetInput(Dataset.builder(pick(random, DATASET_NAMES), pick(random, DIGESTS)).build(),
                    pick(random, CONTEXTS)));
        }
        if (!inputs.isEmpty()) {
            store.logInputs(id, inputs);
        }
        RunStatus status = pick(random, List.of(RunStatus.values()));
        if (status != RunStatus.RUNNING) {
            store.endRun(id, status, 5_000L + random.nextInt(4) * 1_000L);
        }
        return id;
    }

    private static String randomFilter(Random random) {
        List<String> clauses = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
            clauses.add(randomClause(random));
        }
        return String.join(random.nextBoolean() ? " AND " : " and ", clauses);
    }

    private static String randomClause(Random random) {
        switch (random.nextInt(5)) {
            case 0 -> {
                String key = random.nextInt(8) == 0 ? "absent" : pick(random, METRIC_KEYS);
                double value = random.nextInt(4) == 0 ? random.nextGaussian() : pick(random, METRIC_VALUES);
                return field(Entity.METRIC, key) + " " + pick(random, List.of("=", "!=", ">", ">=", "<", "<=")) + " " + value;
            }
            case 1, 2 -> {
                boolean param = random.nextBoolean();
                String key = random.nextInt(8) == 0 ? "absent" : pick(random, param ? PARAM_KEYS : TAG_KEYS);
                return field(param ? Entity.PARAM : Entity.TAG, key) + " " + stringCondition(random, STRINGS);
            }
            case 3 -> {
                Attribute attribute = pick(random, List.of(Attribute.values()));
                String field = field(Entity.ATTRIBUTE, attribute.key());
                return switch (attribute) {
                    case START_TIME, END_TIME -> field + " " + pick(random, List.of("=", "!=", ">", ">=", "<", "<="))
                            + " " + (pick(random, START_TIMES) + 1_000L * random.nextInt(4) - random.nextInt(2));
                    case STATUS -> field + " " + stringCondition(random,
                            List.of(RunStatus.values()).stream().map(Enum::name).toList());
                    case RUN_NAME -> field + " " + stringCondition(random, NAMES);
                    case USER -> field + " " + stringCondition(random, USERS);
                    case RUN_ID -> field + " " + stringCondition(random, List.of("0".repeat(32), "f"));
                };
            }
            default -> {
                String key = pick(random, List.of("name", "digest", "context"));
                List<String> values = switch (key) {
                    case "name" -> DATASET_NAMES;
                    case "digest" -> DIGESTS;
                    default -> CONTEXTS;
                };
                return field(Entity.DATASET, key) + " " + stringCondition(random, values);
            }
        }
    }

    private static String stringCondition(Random random, List<String> values) {
        return switch (random.nextInt(5)) {
            case 0 -> "= " + literal(pick(random, values));
            case 1 -> "!= " + literal(pick(random, values));
            case 2 -> (random.nextBoolean() ? "LIKE " : "like ") + literal(pick(random, PATTERNS));
            case 3 -> "ILIKE " + literal(pick(random, PATTERNS));
            default -> "IN (" + random.ints(1 + random.nextInt(3), 0, values.size())
                    .mapToObj(i -> literal(values.get(i))).collect(Collectors.joining(", ")) + ")";
        };
    }

    /** A field as a user would write it: aliases, and backticks only where the key needs them. */
    private static String field(Entity entity, String key) {
        return entity.prefix() + "." + (key.matches("[A-Za-z0-9_.]+") ? key : "`" + key + "`");
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static List<String> randomOrder(Random random) {
        List<String> keys = new ArrayList<>();
        for (int n = random.nextInt(3); n > 0; n--) {
            String field = switch (random.nextInt(4)) {
                case 0 -> field(Entity.METRIC, pick(random, METRIC_KEYS));
                case 1 -> field(Entity.PARAM, pick(random, PARAM_KEYS));
                case 2 -> field(Entity.TAG, pick(random, TAG_KEYS));
                default -> field(Entity.ATTRIBUTE, pick(random, List.of(Attribute.values())).key());
            };
            keys.add(field + pick(random, List.of("", " ASC", " DESC", " desc")));
        }
        return keys;
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }
}
