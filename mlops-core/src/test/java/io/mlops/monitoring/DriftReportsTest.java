package io.mlops.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlops.api.monitoring.BinShare;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.api.monitoring.PerformanceWindow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftReportsTest {

    /** Users name models; this one tries to run a script in a validator's browser. */
    private static final String HOSTILE_MODEL = "credit-risk<script>&\"'";
    private static final String LONG_CATEGORY = "self-employed (sole trader, UK)";
    private static final long WINDOW_START = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long WINDOW_END = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
    private static final long CREATED_AT = Instant.parse("2026-03-02T00:05:17.250Z").toEpochMilli();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private static List<BinShare> deciles(double[] window, double lo, double width) {
        List<BinShare> bins = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String label = i == 0 ? "(-inf, " + (lo + width) + "]"
                    : i == 9 ? "(" + (lo + 9 * width) + ", inf)"
                    : "(" + (lo + i * width) + ", " + (lo + (i + 1) * width) + "]";
            bins.add(new BinShare(label, 0.1, window[i]));
        }
        return bins;
    }

    private static DriftReport report() {
        FeatureDrift age = new FeatureDrift("age", FeatureKind.NUMERIC, 49_870, 1_190, 0.0026, 0.0084, 0.3124, 0.1421,
                "kolmogorov_smirnov", 0.21, 1.23e-5, DriftSeverity.ALERT,
                deciles(new double[] {0.02, 0.03, 0.05, 0.06, 0.08, 0.10, 0.12, 0.16, 0.18, 0.20}, 20, 5));
        // nothing in the window had a balance, so PSI is undefined: NaN
        FeatureDrift balance = new FeatureDrift("balance", FeatureKind.NUMERIC, 50_000, 0, 0.0, 1.0, Double.NaN, Double.NaN,
                "kolmogorov_smirnov", Double.NaN, Double.NaN, DriftSeverity.NONE,
                deciles(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, 1000));
        FeatureDrift job = new FeatureDrift("job", FeatureKind.CATEGORICAL, 50_000, 1_200, 0.0, 0.0, 0.1432, 0.0712,
                "chi_squared", 48.7, 0.00021, DriftSeverity.WARNING, List.of(
                        new BinShare("admin.", 0.31, 0.22),
                        new BinShare("technician", 0.27, 0.25),
                        new BinShare(LONG_CATEGORY, 0.12, 0.21),
                        new BinShare("<b>retired</b>", 0.30, 0.32)));
        FeatureDrift score = new FeatureDrift("prediction.score", FeatureKind.NUMERIC, 50_000, 1_200, 0.0, 0.0, 0.0412,
                0.0301, "kolmogorov_smirnov", 0.05, 0.31, DriftSeverity.NONE,
                deciles(new double[] {0.09, 0.1, 0.11, 0.1, 0.1, 0.09, 0.1, 0.11, 0.1, 0.1}, 0, 0.1));
        PerformanceWindow performance = new PerformanceWindow(1_700_000_000_000L, 1_700_086_400_000L, 1_024, OptionalDouble.of(0.79), OptionalDouble.of(0.84),
                OptionalDouble.of(0.86), OptionalDouble.of(0.91), true);
        return new DriftReport(HOSTILE_MODEL, 3, WINDOW_START, WINDOW_END, 50_000, 1_200, List.of(age, balance, job),
                List.of(score), 2.0 / 3, true, DriftSeverity.ALERT, Optional.of(performance), DriftThresholds.DEFAULTS,
                List.of("balance missing from every window row & excluded"), CREATED_AT);
    }

    @Test
    void jsonReadsBackWithEveryFieldAndNullForNaN() throws Exception {
        DriftReport report = report();
        JsonNode root = JSON.readTree(DriftReports.toJson(report));

        assertThat(root.fieldNames().next()).isEqualTo("format");
        assertThat(root.get("format").asInt()).isEqualTo(1);
        assertThat(root.get("model").asText()).isEqualTo(HOSTILE_MODEL);
        assertThat(root.get("version").asInt()).isEqualTo(3);
        assertThat(root.get("window_start").asLong()).isEqualTo(WINDOW_START);
        assertThat(root.get("window_end_utc").asText()).isEqualTo("2026-03-02T00:00:00Z");
        assertThat(root.get("window_rows").asLong()).isEqualTo(1_200);
        assertThat(root.get("drifted_share").asDouble()).isEqualTo(2.0 / 3);
        assertThat(root.get("dataset_drift").asBoolean()).isTrue();
        assertThat(root.get("conclusive").asBoolean()).isTrue();
        assertThat(root.at("/performance/from_utc").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(root.get("severity").asText()).isEqualTo("ALERT");
        assertThat(root.get("thresholds").get("psi_alert").asDouble()).isEqualTo(0.25);
        assertThat(root.get("thresholds").get("min_rows").asLong()).isEqualTo(100);
        assertThat(root.get("created_at").asLong()).isEqualTo(CREATED_AT);
        assertThat(root.get("notes").get(0).asText()).isEqualTo("balance missing from every window row & excluded");

        JsonNode features = root.get("features");
        assertThat(features).hasSize(3);
        JsonNode age = features.get(0);
        assertThat(age.get("feature").asText()).isEqualTo("age");
        assertThat(age.get("kind").asText()).isEqualTo("numeric");
        assertThat(age.get("psi").asDouble()).isEqualTo(0.3124);
        assertThat(age.get("p_value").asDouble()).isEqualTo(1.23e-5);
        assertThat(age.get("severity").asText()).isEqualTo("ALERT");
        assertThat(age.get("drifted").asBoolean()).isTrue();
        assertThat(age.get("bins")).hasSize(10);
        assertThat(age.get("bins").get(9).get("baseline").asDouble()).isEqualTo(0.1);
        assertThat(age.get("bins").get(9).get("window").asDouble()).isEqualTo(0.20);

        JsonNode balance = features.get(1);
        assertThat(balance.get("psi").isNull()).isTrue();
        assertThat(balance.get("jensen_shannon").isNull()).isTrue();
        assertThat(balance.get("p_value").isNull()).isTrue();
        assertThat(balance.get("severity").asText()).isEqualTo("NONE");

        JsonNode job = features.get(2);
        assertThat(job.get("kind").asText()).isEqualTo("categorical");
        assertThat(job.get("severity").asText()).isEqualTo("WARNING");
        assertThat(job.get("bins").get(2).get("bin").asText()).isEqualTo(LONG_CATEGORY);
        assertThat(job.get("bins").get(2).get("window").asDouble()).isEqualTo(0.21);

        assertThat(root.get("prediction")).hasSize(1);
        assertThat(root.get("prediction").get(0).get("feature").asText()).isEqualTo("prediction.score");
        JsonNode performance = root.get("performance");
        assertThat(performance.get("labelled_rows").asLong()).isEqualTo(1_024);
        assertThat(performance.get("auc").asDouble()).isCloseTo(0.84, within(1e-12));
        assertThat(performance.get("reference_auc").asDouble()).isEqualTo(0.91);
        assertThat(performance.get("degraded").asBoolean()).isTrue();
    }

    @Test
    void jsonWritesAbsentPerformanceAndUnmeasuredMetricsAsNull() throws Exception {
        DriftReport report = report();
        DriftReport without = new DriftReport(report.model(), report.version(), report.windowStart(), report.windowEnd(),
                report.baselineRows(), report.windowRows(), report.features(), report.prediction(), report.driftedShare(),
                report.datasetDrift(), report.severity(), Optional.empty(), report.thresholds(), report.notes(),
                report.createdAt());
        assertThat(JSON.readTree(DriftReports.toJson(without)).get("performance").isNull()).isTrue();

        DriftReport unmeasured = new DriftReport(report.model(), report.version(), report.windowStart(),
                report.windowEnd(), report.baselineRows(), report.windowRows(), report.features(), report.prediction(),
                report.driftedShare(), report.datasetDrift(), report.severity(),
                Optional.of(new PerformanceWindow(0, 1, 10, OptionalDouble.of(0.5), OptionalDouble.empty(), null, null, false)),
                report.thresholds(), report.notes(), report.createdAt());
        JsonNode performance = JSON.readTree(DriftReports.toJson(unmeasured)).get("performance");
        assertThat(performance.get("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(performance.get("auc").isNull()).isTrue();
        assertThat(performance.get("reference_accuracy").isNull()).isTrue();
    }

    @Test
    void htmlIsSelfContainedEscapedAndHasOneChartPerFeature() {
        DriftReport report = report();
        String html = DriftReports.toHtml(report);

        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html.toLowerCase(Locale.ROOT)).doesNotContain("<script");
        assertThat(html).contains("credit-risk&lt;script&gt;&amp;&quot;&#39;");
        assertThat(html).doesNotContain("<b>retired</b>").contains("&lt;b&gt;retired&lt;/b&gt;");
        assertThat(html).doesNotContain("http://").doesNotContain("https://");
        assertThat(html).doesNotContain("<link").doesNotContain("@import").doesNotContain("url(").doesNotContain("<img");

        int charts = report.features().size() + report.prediction().size();
        assertThat(count(html, "<svg")).isEqualTo(charts);
        assertThat(count(html, "</svg>")).isEqualTo(charts);
        for (FeatureDrift f : Stream.concat(report.features().stream(), report.prediction().stream()).toList()) {
            assertThat(html).contains(f.feature());
        }
        assertThat(html).contains(">baseline<").contains(">window<");

        assertThat(html).contains(">ALERT<").contains(">WARNING<").contains(">NONE<");
        assertThat(html).contains("class=\"badge alert\"");
        assertThat(html).contains("0.3124").contains("n/a");
        assertThat(html).contains("2026-03-01 00:00:00 UTC").contains("2026-03-02 00:00:00 UTC");
        assertThat(html).contains("balance missing from every window row &amp; excluded");

        // the cut label on the axis, the full one in its tooltip and in the table
        assertThat(html).contains("self-employed (so\u2026<").contains("<title>" + LONG_CATEGORY + "</title>");

        assertThat(DriftReports.toHtml(report)).isEqualTo(html);
    }

    @Test
    void writeLeavesExactlyTheTwoReportsUnderASafeName() throws Exception {
        DriftReport report = report();
        Path directory = temp.resolve("reports").resolve("credit-risk");

        List<Path> written = DriftReports.write(report, directory);

        String base = "drift-credit-risk_script____-v3-20260302T000000Z";
        assertThat(written).containsExactly(directory.resolve(base + ".json"), directory.resolve(base + ".html"));
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(base + ".json", base + ".html");
        }
        assertThat(Files.readString(written.get(0), StandardCharsets.UTF_8)).isEqualTo(DriftReports.toJson(report));
        assertThat(Files.readString(written.get(1), StandardCharsets.UTF_8)).isEqualTo(DriftReports.toHtml(report));

        // a second check of the same window replaces the reports rather than failing or adding files
        DriftReports.write(report, directory);
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files).hasSize(2);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
