// Explore the local MLOps store from JShell (see README for the command that starts it).
// Run the quickstart at least once first, so there is something to look at.
import io.mlops.Mlops;
import io.mlops.api.tracking.*;
import io.mlops.api.registry.*;
import io.mlops.api.serving.*;
import java.util.*;

var mlops = Mlops.local();
var tracking = mlops.tracking();
var registry = mlops.registry();

// Every run of the quickstart's experiment, newest first, with its metrics.
var experiment = tracking.getExperimentByName("bank-term-deposit");
System.out.printf("%-32s  %-28s  %-8s  %8s  %8s%n", "run", "name", "status", "test_auc", "test_acc");
for (Run r : tracking.listRuns(experiment.id())) {
    System.out.printf(Locale.ROOT, "%-32s  %-28s  %-8s  %8.4f  %8.4f%n", r.id(), r.name(), r.status(),
            r.metric("test_auc").orElse(Double.NaN), r.metric("test_accuracy").orElse(Double.NaN));
}

// The registered versions and where champion points.
var model = registry.getModel("bank-term-deposit");
System.out.println("\nmodel " + model.name() + ", aliases " + model.aliases());
for (ModelVersion v : registry.listVersions(model.name())) {
    System.out.printf("  version %d  run %s  sha256 %s…  %s%n", v.version(), v.runId(), v.sha256().substring(0, 12), v.status());
}

// Score one client with the champion, in-process.
var client = new HashMap<String, Object>();
client.put("age", 35); client.put("job", "admin."); client.put("marital", "married");
client.put("education", "university.degree"); client.put("default", "no"); client.put("housing", "yes");
client.put("loan", "no"); client.put("contact", "cellular"); client.put("month", "may");
client.put("day_of_week", "thu"); client.put("campaign", 1); client.put("pdays", 999); client.put("previous", 0);
try (var scorer = mlops.scorer("models:/bank-term-deposit@champion")) {
    var p = scorer.score(client);
    System.out.printf(Locale.ROOT, "%nchampion (version %d) says: %s, P(yes) = %.3f%n",
            scorer.version().version(), p.label().orElse("?"), p.probability("yes"));
}

mlops.close();
/exit
