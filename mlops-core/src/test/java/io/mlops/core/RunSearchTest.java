package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.Mlops;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.NotFoundException;
import io.mlops.api.Principal;
import io.mlops.api.tracking.ActiveRun;
import io.mlops.api.tracking.Experiment;
import io.mlops.api.tracking.Run;
import io.mlops.api.tracking.RunPage;
import io.mlops.api.tracking.RunSearch;
import io.mlops.api.tracking.Tracking;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Run search through the public API over the in-memory store: validation and page tokens. */
class RunSearchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T09:00:00Z"));
    private Mlops mlops;
    private Tracking tracking;
    private Experiment experiment;
    private final List<String> created = new ArrayList<>();

    @BeforeEach
    void open() {
        mlops = Mlops.builder().metadata("mem:").artifacts("mem:").clock(clock).principal(Principal.of("alice")).build();
        tracking = mlops.tracking();
        experiment = tracking.getOrCreateExperiment("search");
        for (int i = 0; i < 25; i++) {
            ActiveRun run = tracking.startRun("search");
            run.logMetric("auc", (i * 7) % 10 / 10.0);
            run.logParam("trainer", i % 2 == 0 ? "lr" : "xgb");
            created.add(run.id());
            // Every third run shares its start time with the previous one, so ties are exercised.
            if (i % 3 != 0) {
                clock.advance(Duration.ofMillis(5));
            }
        }
    }

    @AfterEach
    void close() {
        mlops.close();
    }

    private RunSearch.Builder search() {
        return RunSearch.builder(experiment.id()).filter("metrics.auc >= 0.2").orderBy("metrics.auc DESC");
    }

    private static List<String> ids(List<Run> runs) {
        return runs.stream().map(Run::id).toList();
    }

    @Test
    void pages_coverTheWholeResultOnce_andTheLastHasNoToken() {
        List<String> all = ids(tracking.searchRuns(search().pageSize(1000).build()).runs());
        assertThat(all).hasSizeGreaterThan(10).doesNotHaveDuplicates();

        RunSearch search = search().pageSize(4).build();
        RunPage page = tracking.searchRuns(search);
        List<String> paged = new ArrayList<>(ids(page.runs()));
        int pages = 1;
        while (page.nextPageToken().isPresent()) {
            assertThat(page.runs()).hasSize(4);
            page = tracking.searchRuns(search.withPageToken(page.nextPageToken().get()));
            paged.addAll(ids(page.runs()));
            pages++;
        }
        assertThat(paged).containsExactlyElementsOf(all);
        assertThat(pages).isEqualTo((all.size() + 3) / 4);
    }

    @Test
    void exactlyFullLastPage_hasNoToken() {
        RunPage page = tracking.searchRuns(RunSearch.builder(experiment.id()).pageSize(25).build());
        assertThat(page.runs()).hasSize(25);
        assertThat(page.nextPageToken()).isEmpty();
        assertThat(ids(page.runs())).containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void token_acceptedByTheSameSearchWrittenDifferently() {
        String token = tracking.searchRuns(search().pageSize(3).build()).nextPageToken().orElseThrow();
        RunSearch sameMeaning = RunSearch.builder(experiment.id(), experiment.id())
                .filter("  metric.`auc`>=0.2 ").orderBy("metrics.auc desc").pageSize(3).pageToken(token).build();
        assertThat(ids(tracking.searchRuns(sameMeaning).runs()))
                .containsExactlyElementsOf(ids(tracking.searchRuns(search().pageSize(3).pageToken(token).build()).runs()));
    }

    @Test
    void token_fromAnotherSearch_isRefused() {
        String token = tracking.searchRuns(search().pageSize(3).build()).nextPageToken().orElseThrow();
        for (RunSearch other : List.of(
                search().pageSize(4).pageToken(token).build(),
                search().filter("metrics.auc >= 0.3").pageSize(3).pageToken(token).build(),
                RunSearch.builder(experiment.id()).filter("metrics.auc >= 0.2").orderBy("metrics.auc ASC").pageSize(3)
                        .pageToken(token).build(),
                RunSearch.builder(experiment.id(), tracking.getOrCreateExperiment("other").id()).filter("metrics.auc >= 0.2")
                        .orderBy("metrics.auc DESC").pageSize(3).pageToken(token).build())) {
            assertThatThrownBy(() -> tracking.searchRuns(other)).isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("belongs to a search with other experiments, filter, order or page size");
        }
    }

    @Test
    void token_tamperedOrGarbage_isRefused() {
        String token = tracking.searchRuns(search().pageSize(3).build()).nextPageToken().orElseThrow();
        String json = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        assertThat(json).contains("\"v\":1").contains("\"offset\":3");

        String shifted = encode(json.replace("\"offset\":3", "\"offset\":4"));
        String negative = encode(json.replace("\"offset\":3", "\"offset\":-3"));
        String future = encode(json.replace("\"v\":1", "\"v\":2"));
        for (String bad : List.of(shifted, negative, "not a token", "", "e30", encode("[1]"), token.substring(1),
                encode(json.replace("\"q\":\"", "\"q\":\"0")))) {
            assertThatThrownBy(() -> tracking.searchRuns(search().pageSize(3).pageToken(bad).build()))
                    .as(bad).isInstanceOf(InvalidArgumentException.class).hasMessageContaining("page token");
        }
        assertThatThrownBy(() -> tracking.searchRuns(search().pageSize(3).pageToken(future).build()))
                .hasMessageContaining("version 2");
    }

    @Test
    void invalidSearches_areRefusedWithTheReason() {
        assertThatThrownBy(() -> tracking.searchRuns(RunSearch.builder().build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least one experiment");
        assertThatThrownBy(() -> tracking.searchRuns(RunSearch.builder("no-such-experiment").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-experiment");
        assertThatThrownBy(() -> tracking.searchRuns(search().pageSize(0).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("page size 0");
        assertThatThrownBy(() -> tracking.searchRuns(search().pageSize(10_001).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("expected 1-10000");
        assertThat(tracking.searchRuns(search().pageSize(10_000).build()).nextPageToken()).isEmpty();
        assertThatThrownBy(() -> tracking.searchRuns(RunSearch.builder(experiment.id()).filter("metrics.auc >> 1").build()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("filter \"metrics.auc >> 1\": at position 14, unexpected '>'; expected a number");
        assertThatThrownBy(() -> tracking.searchRuns(RunSearch.builder(experiment.id()).orderBy("metrics.auc sideways").build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unexpected 'sideways'");
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
