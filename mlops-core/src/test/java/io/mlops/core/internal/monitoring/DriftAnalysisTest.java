package io.mlops.core.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.FeatureKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Drift verdicts on the real bank-marketing data, where the truth is known. */
class DriftAnalysisTest {

    private static DriftReport compare(SketchProfile baseline, SketchProfile window) {
        return DriftAnalysis.compare("bank", 1, 0, 1, baseline, window, DriftThresholds.DEFAULTS, Optional.empty(), List.of(), 1);
    }

    private static List<String> drifted(DriftReport report) {
        return report.features().stream().filter(FeatureDrift::drifted).map(FeatureDrift::feature).sorted().toList();
    }

    private static Map<String, FeatureDrift> byName(DriftReport report) {
        return report.features().stream().collect(Collectors.toMap(FeatureDrift::feature, f -> f, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void randomSplit_showsNoDriftOnAnyFeature() {
        List<Map<String, Object>> shuffled = new ArrayList<>(BankRows.all());
        Collections.shuffle(shuffled, new Random(20261203L));
        int half = shuffled.size() / 2;

        DriftReport report = compare(BankRows.profile(shuffled.subList(0, half)), BankRows.profile(shuffled.subList(half, shuffled.size())));

        assertThat(drifted(report)).isEmpty();
        assertThat(report.severity()).isEqualTo(DriftSeverity.NONE);
        assertThat(report.datasetDrift()).isFalse();
        assertThat(report.driftedShare()).isZero();
        assertThat(report.features()).hasSize(BankRows.schema().size());
        // Same population: every PSI far below the warning level, Jensen–Shannon near zero.
        assertThat(report.features()).allSatisfy(f -> {
            assertThat(f.psi()).as(f.feature()).isLessThan(0.01);
            assertThat(f.jensenShannon()).as(f.feature()).isLessThan(0.05);
        });
    }

    @Test
    void earlyMonthsAgainstLaterMonths_driftOnHowAndWhomTheBankCalledAndNotOnTheRest() {
        List<Map<String, Object>> rows = BankRows.all();
        // The file is in date order: the first half is May to August 2008, the last fifth 2009 to 2010.
        SketchProfile early = BankRows.profile(rows.subList(0, rows.size() / 2));
        SketchProfile late = BankRows.profile(rows.subList(rows.size() * 4 / 5, rows.size()));

        DriftReport report = compare(early, late);
        Map<String, FeatureDrift> features = byName(report);

        // The later campaigns called in other months, on mobile phones, clients called before
        // (pdays, previous), and more students and retired people (job, age; default 'unknown' less often).
        assertThat(drifted(report)).containsExactly("age", "contact", "default", "job", "month", "pdays", "previous");
        assertThat(features.get("month").severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(features.get("contact").severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(features.get("month").test()).isEqualTo("chi_squared");
        assertThat(features.get("month").pValue()).isLessThan(1e-10);
        // pdays is 999 ("never called") for most clients: that value gets a bin of its own, so the
        // growing share of clients called a few days before shows.
        assertThat(features.get("pdays").bins()).extracting(b -> b.bin()).contains("= 999");
        // The rest did not move enough to matter, though with 20 000 rows some tests are significant.
        for (String steady : List.of("loan", "marital", "education", "housing", "day_of_week", "duration", "campaign")) {
            assertThat(features.get(steady).severity()).as(steady).isEqualTo(DriftSeverity.NONE);
            assertThat(features.get(steady).psi()).as(steady).isLessThan(0.1);
        }
        assertThat(report.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(report.driftedShare()).isCloseTo(7 / 14.0, within(1e-9));
        assertThat(report.datasetDrift()).isTrue();
    }

    @Test
    void shiftedAge_driftsOnAgeAlone() {
        List<Map<String, Object>> shuffled = new ArrayList<>(BankRows.all());
        Collections.shuffle(shuffled, new Random(7));
        int half = shuffled.size() / 2;
        List<Map<String, Object>> older = new ArrayList<>();
        for (Map<String, Object> row : shuffled.subList(half, shuffled.size())) {
            Map<String, Object> copy = new LinkedHashMap<>(row);
            copy.put("age", (Double) row.get("age") + 8);
            older.add(copy);
        }

        DriftReport report = compare(BankRows.profile(shuffled.subList(0, half)), BankRows.profile(older));

        assertThat(drifted(report)).containsExactly("age");
        FeatureDrift age = byName(report).get("age");
        assertThat(age.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(age.test()).isEqualTo("kolmogorov_smirnov");
        assertThat(age.statistic()).isGreaterThan(0.2);
        assertThat(age.pValue()).isLessThan(1e-10);
        assertThat(age.bins()).hasSizeGreaterThan(5);
        // One feature in fourteen: the data set as a whole has not drifted.
        assertThat(report.datasetDrift()).isFalse();
        assertThat(report.driftedShare()).isCloseTo(1.0 / 14, within(1e-9));
    }

    @Test
    void smallShiftInAHugeSample_isSignificantButNotDrift() {
        // With a million rows a KS test rejects a shift of 0.15 standard deviations; PSI says it does not matter.
        Random random = new Random(1);
        SketchProfiler before = new SketchProfiler(Map.of("x", FeatureKind.NUMERIC));
        SketchProfiler after = new SketchProfiler(Map.of("x", FeatureKind.NUMERIC));
        for (int i = 0; i < 1_000_000; i++) {
            before.add(Map.of("x", 40 + 10 * random.nextGaussian()));
            after.add(Map.of("x", 41.5 + 10 * random.nextGaussian()));
        }
        FeatureDrift x = compare(before.profile(), after.profile()).features().get(0);
        assertThat(x.pValue()).isLessThan(0.05);
        assertThat(x.psi()).isLessThan(DriftThresholds.DEFAULTS.psiWarning());
        assertThat(x.severity()).isEqualTo(DriftSeverity.NONE);
    }

    @Test
    void aCategoryNeverSeenInTraining_drifts() {
        List<Map<String, Object>> rows = BankRows.all().subList(0, 5000);
        List<Map<String, Object>> window = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Map<String, Object> copy = new LinkedHashMap<>(rows.get(i));
            if (i % 3 == 0) {
                copy.put("job", "crypto-trader");
            }
            window.add(copy);
        }
        FeatureDrift job = byName(compare(BankRows.profile(rows), BankRows.profile(window))).get("job");
        assertThat(job.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(job.bins()).anySatisfy(bin -> {
            assertThat(bin.bin()).isEqualTo("crypto-trader");
            assertThat(bin.baseline()).isZero();
            assertThat(bin.window()).isCloseTo(667 / 2000.0, within(1e-9));
        });
    }

    @Test
    void aFeatureThatStopsArriving_drifts_asDoesARisingMissingShare() {
        List<Map<String, Object>> shuffled = new ArrayList<>(BankRows.all());
        Collections.shuffle(shuffled, new Random(11));
        List<Map<String, Object>> rows = shuffled.subList(0, 10_000);
        List<Map<String, Object>> window = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Map<String, Object> copy = new LinkedHashMap<>(shuffled.get(10_000 + i));
            copy.remove("job"); // an upstream system renamed the column
            if (i % 2 == 0) {
                copy.put("age", null); // and half the ages went missing
            }
            window.add(copy);
        }

        DriftReport report = compare(BankRows.profile(rows), BankRows.profile(window));
        Map<String, FeatureDrift> features = byName(report);

        FeatureDrift job = features.get("job");
        assertThat(job.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(job.windowCount()).isZero();
        assertThat(job.windowMissing()).isEqualTo(1.0);
        assertThat(job.bins()).last().satisfies(bin -> {
            assertThat(bin.bin()).isEqualTo("(missing)");
            assertThat(bin.baseline()).isZero();
            assertThat(bin.window()).isEqualTo(1.0);
        });
        FeatureDrift age = features.get("age");
        assertThat(age.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(age.windowMissing()).isEqualTo(0.5);
        assertThat(age.pValue()).isLessThan(1e-10);
        // The ages still present come from the same population: their bins are halved, not moved.
        assertThat(age.bins().stream().filter(b -> !b.bin().equals("(missing)")).mapToDouble(b -> b.window()).sum())
                .isCloseTo(0.5, within(1e-9));
        assertThat(drifted(report)).containsExactly("age", "job");
    }

    @Test
    void oneMissingValueInASmallWindow_isNoEvidence() {
        List<Map<String, Object>> shuffled = new ArrayList<>(BankRows.all());
        Collections.shuffle(shuffled, new Random(13));
        SketchProfile baseline = BankRows.profile(shuffled.subList(0, 10_000));
        List<Map<String, Object>> window = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Map<String, Object> copy = new LinkedHashMap<>(shuffled.get(10_000 + i));
            if (i == 0) {
                copy.put("age", null);
                copy.put("job", null);
            }
            window.add(copy);
        }

        Map<String, FeatureDrift> features = byName(compare(baseline, BankRows.profile(window)));

        // An expected count of 0.01 missing values is too small for a chi-squared cell: the missing share is not
        // tested, so a single gap cannot open the p-value gate for ordinary sampling noise.
        assertThat(features.get("age").pValue()).isGreaterThan(0.05);
        assertThat(features.get("age").severity()).isEqualTo(DriftSeverity.NONE);
        assertThat(features.get("job").severity()).isEqualTo(DriftSeverity.NONE);
    }

    @Test
    void aFeatureAlwaysMissingInTraining_thatStartsArriving_drifts() {
        SketchProfiler before = new SketchProfiler(Map.of("income", FeatureKind.NUMERIC));
        SketchProfiler after = new SketchProfiler(Map.of("income", FeatureKind.NUMERIC));
        for (int i = 0; i < 5000; i++) {
            before.add(Map.of());
            after.add(i % 2 == 0 ? Map.of("income", 1000.0 + i) : Map.of());
        }

        FeatureDrift income = compare(before.profile(), after.profile()).features().get(0);

        assertThat(income.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(income.bins()).extracting(b -> b.bin()).containsExactly("(present)", "(missing)");
    }

    @Test
    void windowsScoredForAnotherPositiveClass_areRefused() {
        Map<String, FeatureKind> schema = Map.of("x", FeatureKind.NUMERIC);
        SketchProfile yes = new SketchProfiler(schema, "yes").profile();
        SketchProfile no = new SketchProfiler(schema, "no").profile();
        assertThatThrownBy(() -> compare(yes, no)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("'no'").hasMessageContaining("'yes'").hasMessageContaining("profilerLike");
        assertThatThrownBy(() -> yes.merge(no)).isInstanceOf(InvalidArgumentException.class);
        assertThat(SketchProfile.read(yes.toBytes()).positiveClass()).contains("yes");
    }

    @Test
    void aNewValueAmongManyCategories_isNamed_notHiddenInOther() {
        SketchProfiler before = new SketchProfiler(Map.of("branch", FeatureKind.CATEGORICAL));
        SketchProfiler after = new SketchProfiler(Map.of("branch", FeatureKind.CATEGORICAL));
        for (int i = 0; i < 60_000; i++) {
            before.add(Map.of("branch", "branch-" + (i % 60)));
        }
        for (int i = 0; i < 10_000; i++) {
            after.add(Map.of("branch", i % 10 < 3 ? "online-only" : "branch-" + (i % 60)));
        }

        FeatureDrift branch = compare(before.profile(), after.profile()).features().get(0);

        assertThat(branch.severity()).isEqualTo(DriftSeverity.ALERT);
        assertThat(branch.bins()).extracting(b -> b.bin()).startsWith("online-only").contains("(other)")
                .hasSize(DriftAnalysis.MAX_CATEGORIES + 1);
        assertThat(branch.bins().get(0).window()).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void tooFewRows_givesNoVerdictAndSaysWhy() {
        List<Map<String, Object>> rows = BankRows.all();
        DriftReport report = compare(BankRows.profile(rows.subList(0, 20000)), BankRows.profile(rows.subList(40000, 40050)));
        assertThat(report.severity()).isEqualTo(DriftSeverity.NONE);
        assertThat(report.datasetDrift()).isFalse();
        assertThat(report.notes()).containsExactly("only 50 rows in the window; at least 100 are needed for a verdict");
        assertThat(report.conclusive()).isFalse();
        // No bins either: with a handful of rows they would show individual clients.
        assertThat(report.features()).allSatisfy(f -> assertThat(f.bins()).isEmpty());
        // The summary figures are still there for a reader.
        assertThat(byName(report).get("month").psi()).isGreaterThan(0.25);
    }

    @Test
    void missingValuesAndUnparsableNumbers_countAsMissing() {
        SketchProfiler profiler = new SketchProfiler(BankRows.schema());
        Map<String, Object> row = new LinkedHashMap<>(BankRows.all().get(0));
        row.put("age", "not a number");
        row.remove("job");
        row.put("marital", "");
        profiler.add(row);
        row.put("age", Double.NaN);
        profiler.add(row);
        row.put("age", " 41 ");
        profiler.add(row);
        SketchProfile profile = profiler.profile();
        assertThat(profile.rows()).isEqualTo(3);
        assertThat(profile.count("age")).isEqualTo(1);
        assertThat(profile.missing("age")).isEqualTo(2);
        assertThat(profile.missing("job")).isEqualTo(3);
        assertThat(profile.missing("marital")).isEqualTo(3);
        assertThat(profile.count("housing")).isEqualTo(3);
    }

    @Test
    void profilesMerge_intoTheProfileOfAllRows() {
        List<Map<String, Object>> rows = BankRows.all();
        SketchProfile first = BankRows.profile(rows.subList(0, 15000));
        SketchProfile second = BankRows.profile(rows.subList(15000, rows.size()));
        SketchProfile whole = BankRows.profile(rows);

        SketchProfile merged = first.merge(second);

        assertThat(merged.rows()).isEqualTo(whole.rows()).isEqualTo(rows.size());
        for (String feature : whole.schema().keySet()) {
            assertThat(merged.count(feature)).as(feature).isEqualTo(whole.count(feature));
            assertThat(merged.missing(feature)).as(feature).isEqualTo(whole.missing(feature));
        }
        assertThat(((CategoricalSketch) merged.sketch("job")).counts()).isEqualTo(((CategoricalSketch) whole.sketch("job")).counts());
        // The merged profile matches the whole one within the sketches' own rank error (about 1.3% each).
        assertThat(compare(whole, merged).features()).allSatisfy(f -> {
            assertThat(f.psi()).as(f.feature()).isLessThan(0.005);
            assertThat(f.statistic()).as(f.feature()).isLessThan(0.027);
            assertThat(f.severity()).isEqualTo(DriftSeverity.NONE);
        });
        // Merging copies: the inputs are unchanged.
        assertThat(first.rows()).isEqualTo(15000);
    }

    @Test
    void aSharedProfile_givesTheSameAnswersToConcurrentReaders_andNeverChanges() throws Exception {
        SketchProfile baseline = BankRows.profile(BankRows.all().subList(0, 20_000));
        SketchProfile window = BankRows.profile(BankRows.all().subList(30_000, 41_188));
        byte[] before = window.toBytes();
        List<FeatureDrift> expected = compare(baseline, window).features();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<FeatureDrift>>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> compare(baseline, window).features()));
            }
            for (java.util.concurrent.Future<List<FeatureDrift>> answer : answers) {
                assertThat(answer.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        // Reading a profile leaves it as it was: its stored form is the same before and after.
        assertThat(window.toBytes()).isEqualTo(before);
    }

    @Test
    void storedForm_roundTripsToTheSameBytes() {
        SketchProfile profile = BankRows.profile(BankRows.all());
        byte[] bytes = profile.toBytes();

        SketchProfile read = SketchProfile.read(bytes);

        assertThat(read.toBytes()).isEqualTo(bytes);
        assertThat(read.schema()).isEqualTo(profile.schema());
        assertThat(read.rows()).isEqualTo(profile.rows());
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"format\":1,");
    }

    @Test
    void highCardinalityFeature_keepsBoundedMemory() {
        SketchProfiler small = new SketchProfiler(Map.of("id", FeatureKind.CATEGORICAL, "x", FeatureKind.NUMERIC));
        SketchProfiler large = new SketchProfiler(Map.of("id", FeatureKind.CATEGORICAL, "x", FeatureKind.NUMERIC));
        for (int i = 0; i < 1_000_000; i++) {
            Map<String, Object> row = Map.of("id", "client-" + i, "x", (double) i);
            if (i < 100_000) {
                small.add(row);
            }
            large.add(row);
        }
        // A million distinct ids and a million distinct numbers: the sketches' sizes bound the profile,
        // not the row count (the frequent-items map holds at most 1024 values, KLL a few thousand numbers).
        assertThat(small.profile().toBytes().length).isLessThan(40_000);
        assertThat(large.profile().toBytes().length).isLessThan(40_000);
        assertThat(large.profile().sketch("x")).isInstanceOfSatisfying(NumericSketch.class,
                x -> assertThat(x.toBytes().length).isLessThan(8_000));
        assertThat(large.profile().count("id")).isEqualTo(1_000_000);
    }

    @Test
    void numericColumns_countedExactlyUpToTheLimit_thenSketched_loseNoValue() {
        SketchProfiler profiler = new SketchProfiler(Map.of("x", FeatureKind.NUMERIC));
        double[] values = new double[30_000];
        for (int i = 0; i < values.length; i++) {
            // Three passes over 0..9999 with a NaN every 1000th: the 1025th distinct value arrives mid-array.
            values[i] = i % 1000 == 999 ? Double.NaN : i % 10_000;
        }
        profiler.addNumericColumn("x", values, 0, 20_000);
        profiler.add(Map.of("x", -0.0));
        profiler.add(Map.of("x", 0.0));
        profiler.addNumericColumn("x", values, 20_000, 10_000);
        profiler.countRows(30_000);

        SketchProfile profile = profiler.profile();

        assertThat(profile.missing("x")).isEqualTo(30);
        assertThat(profile.count("x")).isEqualTo(30_000 - 30 + 2);
        NumericSketch x = (NumericSketch) profile.sketch("x");
        assertThat(x.sketch().getMinItem()).isEqualTo(0.0);
        assertThat(x.sketch().getMaxItem()).isEqualTo(9998.0);
        assertThat(x.sketch().getQuantile(0.5, org.apache.datasketches.quantilescommon.QuantileSearchCriteria.INCLUSIVE))
                .isCloseTo(5000, within(200.0));
        // Few distinct values stay counted exactly until the profile is taken, and profile like any other.
        SketchProfiler ages = new SketchProfiler(Map.of("age", FeatureKind.NUMERIC));
        BankRows.all().forEach(ages::add);
        SketchProfile counted = ages.profile();
        assertThat(counted.count("age")).isEqualTo(BankRows.all().size());
        assertThat(compare(counted, counted.merge(counted)).features().get(0).psi()).isLessThan(0.001);
    }

    @Test
    void badInput_isRefusedWithTheReason() {
        assertThatThrownBy(() -> new SketchProfiler(Map.of("prediction.score", FeatureKind.NUMERIC)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("prediction.score")
                .hasMessageContaining("kept for the prediction");
        SketchProfile a = new SketchProfiler(Map.of("x", FeatureKind.NUMERIC)).profile();
        SketchProfile b = new SketchProfiler(Map.of("x", FeatureKind.CATEGORICAL)).profile();
        assertThatThrownBy(() -> a.merge(b)).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("different schemas");
        assertThatThrownBy(() -> SketchProfile.read("{\"format\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"kll\":\"AAAA\"}]}"
                .getBytes())).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("damaged");
        assertThatThrownBy(() -> SketchProfile.read("{\"format\":99}".getBytes())).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("format 99");
        assertThatThrownBy(() -> SketchProfile.read("not json".getBytes())).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> a.count("y")).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no feature 'y'");
        assertThatThrownBy(() -> compare(a, b)).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("schema");
    }
}
