// Explore the local MLOps store from JShell (see README for the command that starts it).
// Run the quickstart at least once first, so there is something to look at.
import io.mlops.Mlops;
import io.mlops.api.tracking.*;
import io.mlops.api.registry.*;
import io.mlops.api.serving.*;
import io.mlops.api.governance.*;
import io.mlops.api.Principal;
import io.mlops.api.PermissionDeniedException;
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

// Governance: the same store as two people. Roles come from directory groups (static here).
// (JShell ends a statement at a line break where it could end, so chains keep their dots at line ends.)
var roles = RoleMapping.builder().
        group("risk-model-developers", Role.DATA_SCIENTIST).
        group("model-validation", Role.VALIDATOR).
        build();
var dana = Mlops.builder().local(Mlops.defaultHome()).roles(roles).
        principal(Principal.of("dana", Set.of("risk-model-developers", "model-validation"))).build();
var victor = dana.as(Principal.of("victor", Set.of("model-validation")));

// Dana registers the champion's file again for its yearly re-validation and asks for approval.
var current = dana.registry().resolve("models:/bank-term-deposit@champion");
var candidate = dana.registry().createVersion(NewModelVersion.builder("bank-term-deposit", current.artifactKey()).
        runId(current.runId()).description("yearly re-validation of version " + current.version()).build());
dana.governance().requestApproval("bank-term-deposit", candidate.version(), "unchanged file; 2026 data drift report attached");

// She may not approve her own work, even though she validates other teams' models.
try {
    dana.governance().approve("bank-term-deposit", candidate.version(), "fine");
} catch (PermissionDeniedException refused) {
    System.out.println("\nrefused: " + refused.getMessage());
}

// Victor approves and moves champion; the history and the audit chain show who did what.
victor.governance().approve("bank-term-deposit", candidate.version(), "re-validated against 2026 data");
victor.registry().setAlias("bank-term-deposit", "champion", candidate.version());
for (var t : dana.governance().transitions("bank-term-deposit", candidate.version())) {
    System.out.printf("%s -> %s by %s: %s%n", t.from(), t.to(), t.principal(), t.rationale());
}
System.out.println(dana.governance().modelCard("bank-term-deposit", candidate.version()));
System.out.println("audit log: " + victor.governance().audit().verify());

dana.close();
/exit
