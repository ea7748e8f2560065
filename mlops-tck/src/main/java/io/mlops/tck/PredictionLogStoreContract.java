package io.mlops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlops.api.spi.PredictionLogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link io.mlops.api.spi.PredictionLogStore} must meet. Subclass it and return a
 * fresh, empty store from {@link #newStore()}; the kit closes it after each test.
 *
 * <p>What the kit requires beyond the interface's Javadoc, so that every store behaves alike:
 * <ul>
 *   <li>A scan hands out entries equal to the appended ones, every field, the payload character for
 *       character (no JSON normalisation), with the label joined or empty.</li>
 *   <li>Labels belong to a model: the same request id under another model is another label.</li>
 *   <li>A retention sweep deletes by model across all its versions, and {@code before} is
 *       exclusive.</li>
 * </ul>
 */
public abstract class PredictionLogStoreContract extends MetadataStoreKit {

    protected static final String MODEL = "credit-risk";
    protected static final String OTHER_MODEL = "churn";

    protected static PredictionLogEntry prediction(String model, int version, String requestId, long loggedAt) {
        return prediction(model, version, requestId, loggedAt, "{\"inputs\":{\"age\":41,\"job\":\"admin.\"},"
                + "\"outputs\":{\"label\":\"no\"},\"request\":\"" + requestId + "\"}");
    }

    protected static PredictionLogEntry prediction(String model, int version, String requestId, long loggedAt, String payload) {
        return new PredictionLogEntry(model, version, requestId, loggedAt, 700L + loggedAt % 1_000, payload, Optional.empty());
    }

    /** Every entry of the window, in the order the store handed them out. */
    protected List<PredictionLogEntry> scan(String model, int version, long from, long toExclusive) {
        List<PredictionLogEntry> seen = new ArrayList<>();
        store.scanPredictions(model, version, from, toExclusive, seen::add);
        return seen;
    }

    protected List<PredictionLogEntry> scanAll(String model, int version) {
        return scan(model, version, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void appendThenScan_returnsTheVersionsWindow_inLoggedAtThenAppendOrder_withEveryField() {
        // About 2 KB, with non-ASCII text: a store that truncates, normalises or mangles encodings fails.
        String longPayload = "{\"inputs\":{\"text\":\"" + "Prüfung – ok ✓ ".repeat(128) + "\"},\"outputs\":{\"score\":0.25}}";
        PredictionLogEntry first = prediction(MODEL, 1, "req-first", 1_000L, longPayload);
        PredictionLogEntry later = prediction(MODEL, 1, "req-later", 3_000L);
        // Three with the same loggedAt over two batches; request ids sort opposite to append order.
        PredictionLogEntry tieZulu = prediction(MODEL, 1, "req-zulu", 2_000L);
        PredictionLogEntry tieMike = prediction(MODEL, 1, "req-mike", 2_000L);
        PredictionLogEntry tieAlpha = prediction(MODEL, 1, "req-alpha", 2_000L);
        PredictionLogEntry atTo = prediction(MODEL, 1, "req-at-to", 4_000L);
        PredictionLogEntry beforeFrom = prediction(MODEL, 1, "req-before-from", 999L);
        PredictionLogEntry otherVersion = prediction(MODEL, 2, "req-other-version", 2_000L);
        PredictionLogEntry otherModel = prediction(OTHER_MODEL, 1, "req-other-model", 2_000L);

        store.appendPredictions(List.of(later, tieZulu, beforeFrom, otherVersion, otherModel));
        store.appendPredictions(List.of(tieMike, first, atTo, tieAlpha));

        assertThat(scan(MODEL, 1, 1_000L, 4_000L)).containsExactly(first, tieZulu, tieMike, tieAlpha, later);
        assertThat(scan(MODEL, 1, 1_000L, 4_000L).get(0).payload()).isEqualTo(longPayload);
        assertThat(scan(MODEL, 1, 4_000L, 4_001L)).as("from is inclusive").containsExactly(atTo);
        assertThat(scan(MODEL, 1, 999L, 1_000L)).as("to is exclusive").containsExactly(beforeFrom);
        assertThat(scan(MODEL, 1, 2_001L, 3_000L)).isEmpty();
        assertThat(scanAll(MODEL, 2)).containsExactly(otherVersion);
        assertThat(scanAll(OTHER_MODEL, 1)).containsExactly(otherModel);
        assertThat(scanAll(MODEL, 3)).isEmpty();
        assertThat(scanAll("unknown-model", 1)).isEmpty();
    }

    @Test
    void scan_stopsAsSoonAsTheSinkReturnsFalse() {
        List<PredictionLogEntry> appended = IntStream.range(0, 1_000)
                .mapToObj(i -> prediction(MODEL, 1, "req-" + i, 10_000L + i)).toList();
        store.appendPredictions(appended);

        for (int stopAt : new int[] {1, 3, 700}) {
            List<PredictionLogEntry> seen = new ArrayList<>();
            store.scanPredictions(MODEL, 1, Long.MIN_VALUE, Long.MAX_VALUE, entry -> {
                seen.add(entry);
                return seen.size() < stopAt;
            });

            assertThat(seen).as("sink calls when it says stop at call %d", stopAt).hasSize(stopAt);
            assertThat(seen).isEqualTo(appended.subList(0, stopAt));
        }
    }

    @Test
    void labels_savedBeforeOrAfterTheAppend_areJoinedToEveryPredictionOfTheRequest_ofTheirModelOnly() {
        assertThat(store.saveLabelIfAbsent(MODEL, "req-early", "yes", 10L)).isEmpty();
        PredictionLogEntry early = prediction(MODEL, 1, "req-early", 100L);
        PredictionLogEntry lateOnce = prediction(MODEL, 1, "req-late", 200L);
        PredictionLogEntry lateTwice = prediction(MODEL, 1, "req-late", 300L);
        PredictionLogEntry unlabelled = prediction(MODEL, 1, "req-unlabelled", 400L);
        PredictionLogEntry otherModelEarly = prediction(OTHER_MODEL, 1, "req-early", 150L);
        store.appendPredictions(List.of(early, lateOnce, lateTwice, unlabelled, otherModelEarly));
        assertThat(store.saveLabelIfAbsent(MODEL, "req-late", "no", 20L)).isEmpty();
        assertThat(store.saveLabelIfAbsent(OTHER_MODEL, "req-unlabelled", "churned", 30L)).isEmpty();

        assertThat(scanAll(MODEL, 1)).containsExactly(
                early.withLabel(Optional.of("yes")),
                lateOnce.withLabel(Optional.of("no")),
                lateTwice.withLabel(Optional.of("no")),
                unlabelled);
        assertThat(scanAll(OTHER_MODEL, 1)).as("the label of req-early under " + MODEL + " is not " + OTHER_MODEL + "'s")
                .containsExactly(otherModelEarly);
    }

    @Test
    void scanLabelledPredictions_handsOutOnlyTheLabelledOnes_inOrder_withinTheWindow() {
        PredictionLogEntry first = prediction(MODEL, 1, "req-a", 100L);
        PredictionLogEntry unlabelled = prediction(MODEL, 1, "req-b", 150L);
        PredictionLogEntry second = prediction(MODEL, 1, "req-c", 200L);
        PredictionLogEntry again = prediction(MODEL, 1, "req-a", 250L);
        PredictionLogEntry outside = prediction(MODEL, 1, "req-c", 300L);
        PredictionLogEntry otherVersion = prediction(MODEL, 2, "req-a", 120L);
        store.appendPredictions(List.of(first, unlabelled, second, again, outside, otherVersion));
        store.saveLabelIfAbsent(MODEL, "req-a", "yes", 1L);
        store.saveLabelIfAbsent(MODEL, "req-c", "no", 1L);
        store.saveLabelIfAbsent(OTHER_MODEL, "req-b", "yes", 1L);

        List<PredictionLogEntry> labelled = new ArrayList<>();
        store.scanLabelledPredictions(MODEL, 1, 100L, 300L, labelled::add);

        assertThat(labelled).containsExactly(first.withLabel(Optional.of("yes")), second.withLabel(Optional.of("no")),
                again.withLabel(Optional.of("yes")));
        List<PredictionLogEntry> stopped = new ArrayList<>();
        store.scanLabelledPredictions(MODEL, 1, 0L, Long.MAX_VALUE, e -> stopped.add(e) && stopped.size() < 2);
        assertThat(stopped).hasSize(2);
    }

    @Test
    void saveLabelIfAbsent_firstLabelStands_andLaterCallsGetIt() {
        assertThat(store.saveLabelIfAbsent(MODEL, "req-1", "yes", 10L)).isEmpty();

        assertThat(store.saveLabelIfAbsent(MODEL, "req-1", "no", 20L)).contains("yes");
        assertThat(store.saveLabelIfAbsent(MODEL, "req-1", "yes", 30L)).as("an equal label").contains("yes");
        assertThat(store.saveLabelIfAbsent(MODEL, "req-2", "no", 40L)).as("another request").isEmpty();
        assertThat(store.saveLabelIfAbsent(OTHER_MODEL, "req-1", "maybe", 50L)).as("another model").isEmpty();

        PredictionLogEntry logged = prediction(MODEL, 1, "req-1", 100L);
        store.appendPredictions(List.of(logged));
        assertThat(scanAll(MODEL, 1)).containsExactly(logged.withLabel(Optional.of("yes")));
    }

    @Test
    void saveLabelIfAbsent_eightCallersAtOnce_oneWins_andTheOthersGetItsLabel() throws Exception {
        List<Callable<Optional<String>>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String label = "label-" + i;
            callers.add(() -> store.saveLabelIfAbsent(MODEL, "req-contested", label, 1_000L));
        }

        List<Optional<String>> outcomes = Concurrently.run(callers);

        assertThat(outcomes).filteredOn(Optional::isEmpty).hasSize(1);
        String winner = "label-" + outcomes.indexOf(Optional.<String>empty());
        assertThat(outcomes).filteredOn(Optional::isPresent).hasSize(7).containsOnly(Optional.of(winner));
        assertThat(store.saveLabelIfAbsent(MODEL, "req-contested", "late", 2_000L)).contains(winner);
        PredictionLogEntry logged = prediction(MODEL, 1, "req-contested", 100L);
        store.appendPredictions(List.of(logged));
        assertThat(scanAll(MODEL, 1)).containsExactly(logged.withLabel(Optional.of(winner)));
    }

    @Test
    void appendPredictions_fromFourThreads_keepsEveryEntry_andEachThreadsOrder() throws Exception {
        List<List<PredictionLogEntry>> perThread = new ArrayList<>();
        List<Callable<Integer>> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            List<PredictionLogEntry> mine = new ArrayList<>();
            for (int b = 0; b < 50; b++) {
                for (int r = 0; r < 20; r++) {
                    // The same loggedAt in every thread: ties across threads, none within one.
                    mine.add(prediction(MODEL, 1, "t" + t + "-b" + b + "-r" + r, 100_000L + b * 20L + r));
                }
            }
            perThread.add(mine);
            writers.add(() -> {
                for (int b = 0; b < 50; b++) {
                    store.appendPredictions(mine.subList(b * 20, (b + 1) * 20));
                }
                return 50;
            });
        }

        assertThat(Concurrently.run(writers)).containsOnly(50);

        List<PredictionLogEntry> scanned = scanAll(MODEL, 1);
        assertThat(scanned).hasSize(4_000);
        assertThat(scanned).extracting(PredictionLogEntry::loggedAt).isSorted();
        for (int t = 0; t < 4; t++) {
            String prefix = "t" + t + "-";
            assertThat(scanned).filteredOn(e -> e.requestId().startsWith(prefix)).isEqualTo(perThread.get(t));
        }
    }

    @Test
    void scan_streamsATenThousandEntryWindow_inOrder() {
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 10; batch++) {
            List<PredictionLogEntry> entries = new ArrayList<>();
            for (int i = batch * 1_000; i < (batch + 1) * 1_000; i++) {
                // Three per millisecond, so the order rests on append order too.
                entries.add(prediction(MODEL, 1, "req-" + i, 50_000L + i / 3));
                expected.add("req-" + i);
            }
            store.appendPredictions(entries);
        }

        List<String> seen = new ArrayList<>();
        store.scanPredictions(MODEL, 1, 50_000L, 50_000L + 3_334L, entry -> seen.add(entry.requestId()));

        assertThat(seen).hasSize(10_000).isEqualTo(expected);
    }

    @Test
    void deletePredictionsBefore_deletesTheModelsOlderEntries_andTheLabelsNoLongerReferred() {
        PredictionLogEntry old = prediction(MODEL, 1, "req-old", 100L);
        PredictionLogEntry sharedOld = prediction(MODEL, 1, "req-shared", 150L);
        PredictionLogEntry older = prediction(MODEL, 1, "req-older", 200L);
        PredictionLogEntry otherVersionOld = prediction(MODEL, 2, "req-v2", 50L);
        PredictionLogEntry atBefore = prediction(MODEL, 1, "req-kept", 300L);
        PredictionLogEntry sharedNew = prediction(MODEL, 1, "req-shared", 400L);
        PredictionLogEntry otherModelOld = prediction(OTHER_MODEL, 1, "req-old", 100L);
        store.appendPredictions(List.of(old, sharedOld, older, otherVersionOld, atBefore, sharedNew, otherModelOld));
        store.saveLabelIfAbsent(MODEL, "req-old", "a", 1L);
        store.saveLabelIfAbsent(MODEL, "req-shared", "b", 1L);
        store.saveLabelIfAbsent(MODEL, "req-kept", "c", 1L);
        store.saveLabelIfAbsent(MODEL, "req-v2", "d", 1L);
        store.saveLabelIfAbsent(OTHER_MODEL, "req-old", "e", 1L);
        // Recorded after the cut-off for a prediction not written yet (the log is asynchronous).
        store.saveLabelIfAbsent(MODEL, "req-pending", "f", 350L);

        assertThat(store.deletePredictionsBefore(MODEL, 300L)).isEqualTo(4L);

        assertThat(scanAll(MODEL, 1)).containsExactly(atBefore.withLabel(Optional.of("c")),
                sharedNew.withLabel(Optional.of("b")));
        assertThat(scanAll(MODEL, 2)).isEmpty();
        assertThat(scanAll(OTHER_MODEL, 1)).containsExactly(otherModelOld.withLabel(Optional.of("e")));
        assertThat(store.saveLabelIfAbsent(MODEL, "req-old", "new", 2L)).as("no longer referred: deleted").isEmpty();
        assertThat(store.saveLabelIfAbsent(MODEL, "req-v2", "new", 2L)).as("no longer referred: deleted").isEmpty();
        assertThat(store.saveLabelIfAbsent(MODEL, "req-shared", "new", 2L)).as("still referred: kept").contains("b");
        assertThat(store.saveLabelIfAbsent(MODEL, "req-kept", "new", 2L)).as("still referred: kept").contains("c");
        assertThat(store.saveLabelIfAbsent(OTHER_MODEL, "req-old", "new", 2L)).as("another model's").contains("e");
        assertThat(store.saveLabelIfAbsent(MODEL, "req-pending", "new", 2L)).as("newer than the cut-off: kept").contains("f");
        assertThat(store.deletePredictionsBefore(MODEL, 300L)).as("nothing left to delete").isZero();
        assertThat(store.deletePredictionsBefore("unknown-model", Long.MAX_VALUE)).isZero();
    }

    @Test
    void appendPredictions_emptyList_storesNothing() {
        store.appendPredictions(List.of());

        assertThat(scanAll(MODEL, 1)).isEmpty();
        assertThat(store.deletePredictionsBefore(MODEL, Long.MAX_VALUE)).isZero();
    }
}
