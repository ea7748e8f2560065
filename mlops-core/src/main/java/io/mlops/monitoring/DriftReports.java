package io.mlops.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlops.api.monitoring.BinShare;
import io.mlops.api.monitoring.DriftReport;
import io.mlops.api.monitoring.DriftSeverity;
import io.mlops.api.monitoring.DriftThresholds;
import io.mlops.api.monitoring.FeatureDrift;
import io.mlops.api.monitoring.FeatureKind;
import io.mlops.api.monitoring.PerformanceWindow;
import io.mlops.core.internal.DurableFiles;
import io.mlops.core.internal.Validation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * Renders a {@link DriftReport} as files a model-risk validator can open and keep: a versioned
 * JSON document for tools, and one self-contained HTML page (inline styles, inline SVG charts, no
 * scripts and nothing fetched from the network) that reads the same from a shared drive, an e-mail
 * attachment or an archive years later, and prints.
 *
 * <pre>{@code
 * DriftReport report = mlops.monitoring().check("credit-risk", 3, from, to);
 * Files.writeString(dir.resolve("drift.html"), DriftReports.toHtml(report));
 * List<Path> written = DriftReports.write(report, Path.of("/reports/credit-risk"));   // the .json and the .html
 * }</pre>
 *
 * <p>The output depends on the report alone (its own {@code createdAt}, never the clock), so
 * rendering the same report twice gives the same bytes and a stored page can be checked against
 * a stored report. Thread-safe.
 */
public final class DriftReports {

    /** Version of the JSON document; readers refuse what they do not know. */
    public static final int FORMAT_VERSION = 1;

    /** Labels longer than this are cut on the chart's axis (the full text stays in the tooltip and the table). */
    private static final int LABEL_CHARS = 18;

    private static final ObjectMapper JSON = new ObjectMapper();

    // "\n" whatever the platform, so that a report renders to the same bytes on Windows and Linux
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private static final DateTimeFormatter FILE_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter READABLE_UTC =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    // Light grey against dark blue: told apart in colour, in greyscale print and by most colour-blind readers.
    private static final String BASELINE_FILL = "#a3adb8";
    private static final String WINDOW_FILL = "#1f5fa8";

    private DriftReports() {
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The report as pretty-printed JSON with snake_case names, {@code "format": 1} first. A number
     * that is not finite (a PSI with an empty side is NaN) is written as {@code null}, since JSON
     * has no NaN; so is a performance figure that was not measured.
     */
    public static String toJson(DriftReport report) {
        Objects.requireNonNull(report, "report");
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT_VERSION);
        root.put("model", report.model());
        root.put("version", report.version());
        root.put("window_start", report.windowStart());
        root.put("window_start_utc", Instant.ofEpochMilli(report.windowStart()).toString());
        root.put("window_end", report.windowEnd());
        root.put("window_end_utc", Instant.ofEpochMilli(report.windowEnd()).toString());
        root.put("baseline_rows", report.baselineRows());
        root.put("window_rows", report.windowRows());
        number(root, "drifted_share", report.driftedShare());
        root.put("dataset_drift", report.datasetDrift());
        root.put("severity", report.severity().name());
        root.put("conclusive", report.conclusive());

        DriftThresholds t = report.thresholds();
        ObjectNode thresholds = root.putObject("thresholds");
        number(thresholds, "psi_warning", t.psiWarning());
        number(thresholds, "psi_alert", t.psiAlert());
        number(thresholds, "p_value", t.pValue());
        number(thresholds, "drifted_share", t.driftedShare());
        number(thresholds, "performance_drop", t.performanceDrop());
        thresholds.put("min_rows", t.minRows());

        ArrayNode features = root.putArray("features");
        report.features().forEach(f -> features.add(featureJson(f)));
        ArrayNode prediction = root.putArray("prediction");
        report.prediction().forEach(f -> prediction.add(featureJson(f)));

        if (report.performance().isPresent()) {
            PerformanceWindow p = report.performance().get();
            ObjectNode performance = root.putObject("performance");
            performance.put("from", p.from());
            performance.put("from_utc", Instant.ofEpochMilli(p.from()).toString());
            performance.put("to", p.to());
            performance.put("to_utc", Instant.ofEpochMilli(p.to()).toString());
            performance.put("labelled_rows", p.labelledRows());
            number(performance, "accuracy", p.accuracy());
            number(performance, "auc", p.auc());
            number(performance, "reference_accuracy", p.referenceAccuracy());
            number(performance, "reference_auc", p.referenceAuc());
            performance.put("degraded", p.degraded());
        } else {
            root.putNull("performance");
        }

        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        root.put("created_at", report.createdAt());
        try {
            return PRETTY.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            // a tree of plain nodes always serialises; reaching here is a bug, not a caller's mistake
            throw new IllegalStateException("cannot write drift report of " + report.model() + " v" + report.version()
                    + " as JSON", e);
        }
    }

    private static ObjectNode featureJson(FeatureDrift f) {
        ObjectNode node = JSON.createObjectNode();
        node.put("feature", f.feature());
        node.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
        node.put("baseline_count", f.baselineCount());
        node.put("window_count", f.windowCount());
        number(node, "baseline_missing", f.baselineMissing());
        number(node, "window_missing", f.windowMissing());
        number(node, "psi", f.psi());
        number(node, "jensen_shannon", f.jensenShannon());
        node.put("test", f.test());
        number(node, "statistic", f.statistic());
        number(node, "p_value", f.pValue());
        node.put("severity", f.severity().name());
        node.put("drifted", f.drifted());
        ArrayNode bins = node.putArray("bins");
        for (BinShare b : f.bins()) {
            ObjectNode bin = bins.addObject();
            bin.put("bin", b.bin());
            number(bin, "baseline", b.baseline());
            number(bin, "window", b.window());
        }
        return node;
    }

    private static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static void number(ObjectNode node, String name, OptionalDouble value) {
        number(node, name, value.orElse(Double.NaN));
    }

    // ---------------------------------------------------------------- HTML

    /**
     * The report as one self-contained HTML5 page: the verdict, the window and thresholds,
     * performance, a summary table of every feature, then per feature and per prediction output a
     * bar chart of baseline and window shares per bin with the numbers beneath it. Every text that
     * comes from the report is escaped, since model, feature and category names are chosen by users.
     */
    public static String toHtml(DriftReport report) {
        Objects.requireNonNull(report, "report");
        String title = "Drift report: " + report.model() + " v" + report.version();
        StringBuilder h = new StringBuilder(16_384 + 4_096 * (report.features().size() + report.prediction().size()));
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");

        h.append("<header>\n<h1>Drift report: <span class=\"model\">").append(esc(report.model()))
                .append("</span> version ").append(report.version()).append("</h1>\n");
        if (report.conclusive()) {
            h.append("<p class=\"verdict\">Verdict: ").append(badge(report.severity())).append(' ')
                    .append(esc(meaning(report.severity()))).append("</p>\n</header>\n");
        } else {
            h.append("<p class=\"verdict\">No verdict: too few rows in the window to judge drift (see the notes).</p>\n</header>\n");
        }

        overview(h, report);
        performance(h, report);
        summary(h, report);

        if (!report.features().isEmpty()) {
            h.append("<h2>Input features</h2>\n");
            for (int i = 0; i < report.features().size(); i++) {
                featureSection(h, report.features().get(i), "feature-" + i, "Feature");
            }
        }
        if (!report.prediction().isEmpty()) {
            h.append("<h2>Predictions</h2>\n");
            for (int i = 0; i < report.prediction().size(); i++) {
                featureSection(h, report.prediction().get(i), "prediction-" + i, "Prediction");
            }
        }

        h.append("<footer>Report created ").append(utc(report.createdAt()))
                .append(". PSI and Jensen&#8211;Shannon distance are computed over the bins shown;")
                .append(" a feature drifts only when its PSI reaches a threshold and its test rejects")
                .append(" &#8220;same distribution&#8221; at the significance level.</footer>\n");
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void overview(StringBuilder h, DriftReport r) {
        long drifted = r.features().stream().filter(FeatureDrift::drifted).count();
        DriftThresholds t = r.thresholds();
        h.append("<section class=\"overview\">\n<h2>Overview</h2>\n<table class=\"facts\">\n");
        fact(h, "Window (UTC)", utc(r.windowStart()) + " to " + utc(r.windowEnd()) + " (end excluded)");
        fact(h, "Rows in baseline", count(r.baselineRows()));
        fact(h, "Rows in window", count(r.windowRows()));
        fact(h, "Drifted input features", drifted + " of " + r.features().size() + " (" + percent(r.driftedShare())
                + "; dataset drift from " + percent(t.driftedShare()) + ")");
        fact(h, "Dataset drift", r.datasetDrift() ? "yes" : "no");
        fact(h, "Report created", utc(r.createdAt()));
        h.append("</table>\n");

        h.append("<h3>Thresholds used</h3>\n<table class=\"facts\">\n");
        fact(h, "PSI warning from", plain(t.psiWarning()));
        fact(h, "PSI alert from", plain(t.psiAlert()));
        fact(h, "Test significance (p-value below)", plain(t.pValue()));
        fact(h, "Share of drifted features for dataset drift", plain(t.driftedShare()));
        fact(h, "Fall in accuracy or AUC counted as degraded", plain(t.performanceDrop()));
        fact(h, "Fewest window rows for a verdict", count(t.minRows()));
        h.append("</table>\n");

        h.append("<h3>Notes</h3>\n");
        if (r.notes().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<ul class=\"notes\">\n");
            r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</section>\n");
    }

    private static void performance(StringBuilder h, DriftReport r) {
        if (r.performance().isEmpty()) {
            return;
        }
        PerformanceWindow p = r.performance().get();
        h.append("<section class=\"performance\">\n<h2>Performance</h2>\n")
                .append("<p>Over ").append(count(p.labelledRows()))
                .append(" labelled predictions logged from ").append(esc(Instant.ofEpochMilli(p.from()).toString()))
                .append(" to ").append(esc(Instant.ofEpochMilli(p.to()).toString()))
                .append(", against the version&#8217;s recorded test metrics.</p>\n")
                .append("<table>\n<thead><tr><th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Window</th>")
                .append("<th scope=\"col\" class=\"num\">Reference</th><th scope=\"col\" class=\"num\">Change</th></tr></thead>\n<tbody>\n");
        metricRow(h, "Accuracy", p.accuracy(), p.referenceAccuracy());
        metricRow(h, "AUC", p.auc(), p.referenceAuc());
        h.append("</tbody>\n</table>\n<p>Degraded: <strong>").append(p.degraded() ? "yes" : "no")
                .append("</strong> (a fall of more than ").append(plain(r.thresholds().performanceDrop()))
                .append(" below the reference counts as degraded)</p>\n</section>\n");
    }

    private static void metricRow(StringBuilder h, String name, OptionalDouble window, OptionalDouble reference) {
        double w = window.orElse(Double.NaN);
        double ref = reference.orElse(Double.NaN);
        h.append("<tr><th scope=\"row\">").append(name).append("</th><td class=\"num\">").append(fixed(w, 4))
                .append("</td><td class=\"num\">").append(fixed(ref, 4)).append("</td><td class=\"num\">")
                .append(Double.isFinite(w) && Double.isFinite(ref) ? format("%+.4f", w - ref) : "n/a")
                .append("</td></tr>\n");
    }

    private static void summary(StringBuilder h, DriftReport r) {
        h.append("<section class=\"summary\">\n<h2>Summary</h2>\n");
        if (r.features().isEmpty() && r.prediction().isEmpty()) {
            h.append("<p>The report has no features.</p>\n</section>\n");
            return;
        }
        h.append("<table>\n<thead><tr><th scope=\"col\">Feature</th><th scope=\"col\">Kind</th>")
                .append("<th scope=\"col\" class=\"num\">PSI</th><th scope=\"col\" class=\"num\">JS</th>")
                .append("<th scope=\"col\">Test</th><th scope=\"col\" class=\"num\">Statistic</th>")
                .append("<th scope=\"col\" class=\"num\">p-value</th><th scope=\"col\">Severity</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < r.features().size(); i++) {
            summaryRow(h, r.features().get(i), "feature-" + i);
        }
        for (int i = 0; i < r.prediction().size(); i++) {
            summaryRow(h, r.prediction().get(i), "prediction-" + i);
        }
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void summaryRow(StringBuilder h, FeatureDrift f, String anchor) {
        h.append("<tr><td><a href=\"#").append(anchor).append("\">").append(esc(f.feature())).append("</a></td><td>")
                .append(kind(f)).append("</td><td class=\"num\">").append(fixed(f.psi(), 4))
                .append("</td><td class=\"num\">").append(fixed(f.jensenShannon(), 4)).append("</td><td>")
                .append(esc(f.test())).append("</td><td class=\"num\">").append(fixed(f.statistic(), 4))
                .append("</td><td class=\"num\">").append(pValue(f.pValue())).append("</td><td>")
                .append(badge(f.severity())).append("</td></tr>\n");
    }

    private static void featureSection(StringBuilder h, FeatureDrift f, String id, String what) {
        h.append("<section class=\"feature\" id=\"").append(id).append("\">\n<h3>").append(what).append(": ")
                .append(esc(f.feature())).append(" <span class=\"kind\">(").append(kind(f)).append(")</span> ")
                .append(badge(f.severity())).append("</h3>\n");
        h.append("<p class=\"stats\">PSI ").append(fixed(f.psi(), 4)).append(", Jensen&#8211;Shannon ")
                .append(fixed(f.jensenShannon(), 4)).append(", ").append(esc(f.test())).append(" statistic ")
                .append(fixed(f.statistic(), 4)).append(", p-value ").append(pValue(f.pValue())).append(".<br>")
                .append("Values: baseline ").append(count(f.baselineCount())).append(" (missing ")
                .append(percent(f.baselineMissing())).append("), window ").append(count(f.windowCount()))
                .append(" (missing ").append(percent(f.windowMissing())).append(").</p>\n");
        chart(h, f, id);
        if (!f.bins().isEmpty()) {
            h.append("<table class=\"bins\">\n<thead><tr><th scope=\"col\">")
                    .append(f.kind() == FeatureKind.CATEGORICAL ? "Category" : "Bin")
                    .append("</th><th scope=\"col\" class=\"num\">Baseline</th><th scope=\"col\" class=\"num\">Window</th>")
                    .append("<th scope=\"col\" class=\"num\">Change</th></tr></thead>\n<tbody>\n");
            for (BinShare b : f.bins()) {
                h.append("<tr><td>").append(esc(b.bin())).append("</td><td class=\"num\">").append(percent(b.baseline()))
                        .append("</td><td class=\"num\">").append(percent(b.window())).append("</td><td class=\"num\">")
                        .append(points(b.window() - b.baseline())).append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        h.append("</section>\n");
    }

    /**
     * A grouped bar chart, baseline then window per bin, with the y axis in percent. Drawn even
     * without bins (as an empty frame saying so), so every feature has its chart in the same place.
     */
    private static void chart(StringBuilder h, FeatureDrift f, String id) {
        List<BinShare> bins = f.bins();
        int n = bins.size();
        // long or many labels do not fit side by side; slanting them keeps every label legible
        boolean slant = n > 6 || bins.stream().anyMatch(b -> b.bin().codePointCount(0, b.bin().length()) > 8);
        double left = slant ? 72 : 56;
        double right = 16;
        double top = 34;
        double plotHeight = 200;
        double bottom = slant ? 104 : 36;
        double plotWidth = Math.max(360, n * 60);
        double group = n == 0 ? plotWidth : plotWidth / n;
        double width = left + plotWidth + right;
        double height = top + plotHeight + bottom;

        double maxShare = 0;
        for (BinShare b : bins) {
            maxShare = Math.max(maxShare, finiteOrZero(b.baseline()));
            maxShare = Math.max(maxShare, finiteOrZero(b.window()));
        }
        double[] axis = axis(maxShare * 100);
        double axisTop = axis[0];
        double step = axis[1];
        double baseY = top + plotHeight;

        String titleId = id + "-chart";
        h.append("<figure>\n<svg class=\"chart\" viewBox=\"0 0 ").append(num(width)).append(' ').append(num(height))
                .append("\" width=\"").append(num(width)).append("\" height=\"").append(num(height))
                .append("\" role=\"img\" aria-labelledby=\"").append(titleId).append("\">\n")
                .append("<title id=\"").append(titleId).append("\">Share of values per ")
                .append(f.kind() == FeatureKind.CATEGORICAL ? "category" : "bin")
                .append(" of ").append(esc(f.feature())).append(", baseline and window</title>\n");

        // shares are of non-missing values, so bars compare distributions even when missingness changed
        for (double tick = 0; tick <= axisTop + 1e-9; tick += step) {
            double y = baseY - tick / axisTop * plotHeight;
            h.append("<line x1=\"").append(num(left)).append("\" y1=\"").append(num(y)).append("\" x2=\"")
                    .append(num(left + plotWidth)).append("\" y2=\"").append(num(y))
                    .append("\" stroke=\"").append(tick == 0 ? "#555" : "#e2e5e9").append("\" stroke-width=\"1\"/>\n")
                    .append("<text x=\"").append(num(left - 6)).append("\" y=\"").append(num(y + 4))
                    .append("\" text-anchor=\"end\">").append(format("%.0f%%", tick)).append("</text>\n");
        }
        h.append("<line x1=\"").append(num(left)).append("\" y1=\"").append(num(top)).append("\" x2=\"").append(num(left))
                .append("\" y2=\"").append(num(baseY)).append("\" stroke=\"#555\" stroke-width=\"1\"/>\n");
        h.append("<text class=\"axis-title\" transform=\"rotate(-90 14 ").append(num(top + plotHeight / 2))
                .append(")\" x=\"14\" y=\"").append(num(top + plotHeight / 2))
                .append("\" text-anchor=\"middle\">share of values</text>\n");

        // legend above the plot, so it never hides a bar
        h.append("<rect x=\"").append(num(left)).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"").append(BASELINE_FILL)
                .append("\"/>\n<text x=\"").append(num(left + 17)).append("\" y=\"18\">baseline</text>\n")
                .append("<rect x=\"").append(num(left + 90)).append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"")
                .append(WINDOW_FILL).append("\"/>\n<text x=\"").append(num(left + 107)).append("\" y=\"18\">window</text>\n");

        if (n == 0) {
            h.append("<text x=\"").append(num(left + plotWidth / 2)).append("\" y=\"").append(num(top + plotHeight / 2))
                    .append("\" text-anchor=\"middle\">no values to compare</text>\n");
        }
        double pad = Math.min(8, group * 0.12);
        double barWidth = Math.max(1, (group - 2 * pad - 2) / 2);
        for (int i = 0; i < n; i++) {
            BinShare b = bins.get(i);
            double x = left + i * group + pad;
            bar(h, x, barWidth, baseY, plotHeight, axisTop, b.baseline(), BASELINE_FILL, b.bin(), "baseline");
            bar(h, x + barWidth + 2, barWidth, baseY, plotHeight, axisTop, b.window(), WINDOW_FILL, b.bin(), "window");

            double cx = left + (i + 0.5) * group;
            double ly = baseY + 14;
            h.append("<text x=\"").append(num(cx)).append("\" y=\"").append(num(ly)).append('"');
            if (slant) {
                h.append(" text-anchor=\"end\" transform=\"rotate(-40 ").append(num(cx)).append(' ').append(num(ly)).append(")\"");
            } else {
                h.append(" text-anchor=\"middle\"");
            }
            h.append("><title>").append(esc(b.bin())).append("</title>").append(esc(truncate(b.bin()))).append("</text>\n");
        }
        h.append("</svg>\n</figure>\n");
    }

    private static void bar(StringBuilder h, double x, double width, double baseY, double plotHeight, double axisTop,
            double share, String fill, String bin, String side) {
        double pct = Math.min(finiteOrZero(share) * 100, axisTop);
        double barHeight = Math.max(0, pct / axisTop * plotHeight);
        h.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(baseY - barHeight)).append("\" width=\"")
                .append(num(width)).append("\" height=\"").append(num(barHeight)).append("\" fill=\"").append(fill)
                .append("\"><title>").append(esc(bin)).append(": ").append(side).append(' ').append(percent(share))
                .append("</title></rect>\n");
    }

    /** The axis's top and tick step in percent: round numbers, at most about five ticks. */
    private static double[] axis(double maxPercent) {
        for (double step : new double[] {1, 2, 5, 10, 20, 25}) {
            if (maxPercent <= step * 5 + 1e-9) {
                // the epsilon keeps 30.000000000000004 from adding a tick
                return new double[] {Math.max(step, Math.ceil(maxPercent / step - 1e-9) * step), step};
            }
        }
        return new double[] {100, 20};
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
                   color: #1d232a; background: #fff; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; line-height: 1.45; }
            h1 { font-size: 1.6rem; margin: 0 0 .4rem; word-break: break-word; }
            h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #d5d9de; padding-bottom: .2rem; }
            h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; word-break: break-word; }
            .verdict { font-size: 1.1rem; }
            .badge { display: inline-block; padding: .1rem .55rem; border-radius: .8rem; font-weight: 700;
                     font-size: .85em; letter-spacing: .03em; border: 1px solid transparent; }
            .badge.none { background: #1e7b34; color: #fff; }
            .badge.warning { background: #f2b01e; color: #1d232a; border-color: #b07c00; }
            .badge.alert { background: #b3261e; color: #fff; }
            .kind { color: #5b6570; font-weight: 400; }
            table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .92rem; }
            th, td { border: 1px solid #d5d9de; padding: .25rem .6rem; text-align: left; vertical-align: top; }
            thead th { background: #f1f3f5; }
            table.facts th { background: #f7f8f9; font-weight: 600; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td { word-break: break-word; }
            a { color: #1f5fa8; }
            figure { margin: .5rem 0; }
            svg.chart { max-width: 100%; height: auto; display: block; }
            svg.chart text { font-size: 11px; fill: #1d232a; font-family: inherit; }
            svg.chart .axis-title { fill: #5b6570; }
            .stats { margin: .2rem 0 .4rem; }
            footer { margin-top: 2.5rem; font-size: .85rem; color: #5b6570; border-top: 1px solid #d5d9de; padding-top: .6rem; }
            @page { margin: 14mm; }
            @media print {
              body { margin: 0; max-width: none; font-size: 10pt; }
              a { color: inherit; text-decoration: none; }
              section.feature, figure, tr { break-inside: avoid; page-break-inside: avoid; }
              h2, h3 { break-after: avoid; page-break-after: avoid; }
            }
            """;

    // ---------------------------------------------------------------- files

    /**
     * Writes the report as {@code drift-<model>-v<version>-<window end, UTC>.json} and {@code .html}
     * into {@code directory}, creating it if needed; the model name keeps only
     * {@code [A-Za-z0-9._-]}, anything else becoming {@code _}. Each file is written beside its
     * final name and renamed into place in one step, so that a reader (or a process collecting
     * reports) never sees half a report; an existing report of the same window is replaced.
     *
     * @return the JSON file, then the HTML file
     * @throws UncheckedIOException naming the file that could not be written
     * @throws io.mlops.api.MlopsException if the directory's file system cannot rename atomically
     */
    public static List<Path> write(DriftReport report, Path directory) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(directory, "directory");
        // rendered before touching the disk, so a rendering failure leaves no file at all
        String json = toJson(report);
        String html = toHtml(report);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the drift report directory '" + directory + "': " + e.getMessage(), e);
        }
        String base = "drift-" + sanitise(report.model()) + "-v" + report.version() + "-"
                + FILE_STAMP.format(Instant.ofEpochMilli(report.windowEnd()));
        Path jsonFile = directory.resolve(base + ".json");
        Path htmlFile = directory.resolve(base + ".html");
        // The HTML first: it is what a validator opens, and a JSON file alone would look like a complete report.
        writeAtomically(htmlFile, html);
        try {
            writeAtomically(jsonFile, json);
        } catch (RuntimeException e) {
            DurableFiles.deleteQuietly(htmlFile);
            throw e;
        }
        return List.of(jsonFile, htmlFile);
    }

    private static void writeAtomically(Path target, String content) {
        // A dot-prefixed name keeps the half-written file out of directory listings and globs such as *.html;
        // it is created with the process's normal permissions (not createTempFile's owner-only ones), because
        // the renamed file keeps them and validators on a shared drive must be able to open it.
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            Files.write(temp, content.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // synced before the rename, so that after a crash the name points at the whole report, never an empty file
            DurableFiles.force(temp);
            DurableFiles.moveAtomically(temp, target, "writing drift report '" + target.getFileName() + "'");
            moved = true;
            DurableFiles.forceDirectory(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write drift report '" + target + "': " + e.getMessage(), e);
        } finally {
            if (!moved) {
                DurableFiles.deleteQuietly(temp);
            }
        }
    }

    private static String sanitise(String model) {
        StringBuilder s = new StringBuilder(model.length());
        for (int i = 0; i < model.length(); i++) {
            char c = model.charAt(i);
            boolean safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            s.append(safe ? c : '_');
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- text

    /** Escapes text for HTML element content and quoted attributes, SVG included. */
    private static String esc(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    private static String truncate(String label) {
        return Validation.truncate(label, LABEL_CHARS, "\u2026");
    }

    private static String badge(DriftSeverity severity) {
        return "<span class=\"badge " + severity.name().toLowerCase(Locale.ROOT) + "\">" + severity.name() + "</span>";
    }

    private static String meaning(DriftSeverity severity) {
        return switch (severity) {
            case NONE -> "no drift past the thresholds, or too few rows to tell";
            case WARNING -> "drift past the warning threshold: worth a look";
            case ALERT -> "drift past the alert threshold, or degraded performance: the model no longer sees the data it was validated on";
        };
    }

    private static String kind(FeatureDrift f) {
        return f.kind().name().toLowerCase(Locale.ROOT);
    }

    private static String utc(long epochMillis) {
        return READABLE_UTC.format(Instant.ofEpochMilli(epochMillis));
    }

    private static void fact(StringBuilder h, String name, String value) {
        h.append("<tr><th scope=\"row\">").append(name).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static String count(long n) {
        return format("%,d", n);
    }

    private static String fixed(double value, int decimals) {
        return notFinite(value) != null ? notFinite(value) : format("%." + decimals + "f", value);
    }

    private static String pValue(double value) {
        return notFinite(value) != null ? notFinite(value) : format("%.3g", value);
    }

    private static String percent(double share) {
        return notFinite(share) != null ? notFinite(share) : format("%.1f%%", share * 100);
    }

    /** A change of share in percentage points. */
    private static String points(double change) {
        if (notFinite(change) != null) {
            return notFinite(change);
        }
        // rounded before formatting (+ 0.0 folds -0.0) so that a change too small to show reads "+0.0 pp", not "-0.0 pp"
        return format("%+.1f pp", Math.round(change * 1000) / 10.0 + 0.0);
    }

    /** Thresholds as given (0.05, not 0.0500), since validators compare them with the policy's wording. */
    private static String plain(double value) {
        return notFinite(value) != null ? notFinite(value) : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String notFinite(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "\u221e" : "\u2212\u221e";
        }
        return null;
    }

    private static double finiteOrZero(double value) {
        return Double.isFinite(value) ? value : 0;
    }

    /** SVG coordinates to two decimals, Locale.ROOT so that no locale writes a decimal comma. */
    private static String num(double value) {
        String s = format("%.2f", value);
        return s.endsWith(".00") ? s.substring(0, s.length() - 3) : s;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
