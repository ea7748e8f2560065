package io.mlops.core.internal.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.Operator;
import io.mlops.api.spi.search.OrderKey;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchParserTest {

    private static Comparison only(String filter) {
        List<Comparison> clauses = SearchParser.parseFilter(filter);
        assertThat(clauses).hasSize(1);
        return clauses.get(0);
    }

    @Test
    void blankFilter_hasNoClauses() {
        assertThat(SearchParser.parseFilter("")).isEmpty();
        assertThat(SearchParser.parseFilter("  \t\n ")).isEmpty();
    }

    @Test
    void metricClause_withEachNumericOperator() {
        assertThat(only("metrics.auc > 0.75")).isEqualTo(new Comparison(new Field(Entity.METRIC, "auc"), Operator.GT, List.of(0.75)));
        assertThat(only("metrics.auc>=1").operator()).isEqualTo(Operator.GE);
        assertThat(only("metrics.auc<1").operator()).isEqualTo(Operator.LT);
        assertThat(only("metrics.auc <= 1").operator()).isEqualTo(Operator.LE);
        assertThat(only("metrics.auc = 1").operator()).isEqualTo(Operator.EQ);
        assertThat(only("metrics.auc != 1").operator()).isEqualTo(Operator.NE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-1|-1.0", "+2.5|2.5", ".5|0.5", "5.|5.0", "1e3|1000.0", "1E-3|0.001", "-2.5e+2|-250.0", "0|0.0"})
    void numbers_signsDecimalsAndExponents(String literal, double expected) {
        assertThat(only("metrics.loss < " + literal).value()).isEqualTo(expected);
    }

    @Test
    void times_areWholeNumbers() {
        assertThat(only("attributes.start_time >= 1700000000000").value()).isEqualTo(1_700_000_000_000L);
        assertThat(only("attributes.end_time < 1.7e12").value()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void stringClauses_quotesKeywordCaseAndIn() {
        assertThat(only("params.trainer = 'lr'")).isEqualTo(new Comparison(new Field(Entity.PARAM, "trainer"), Operator.EQ, List.of("lr")));
        assertThat(only("tags.team like \"risk%\"")).isEqualTo(new Comparison(new Field(Entity.TAG, "team"), Operator.LIKE, List.of("risk%")));
        assertThat(only("tags.team IlIkE 'R%'").operator()).isEqualTo(Operator.ILIKE);
        assertThat(only("params.note = 'it''s'").value()).isEqualTo("it's");
        assertThat(only("params.note = \"say \"\"hi\"\"\"").value()).isEqualTo("say \"hi\"");
        assertThat(only("params.note = 'a \"b\" c'").value()).isEqualTo("a \"b\" c");
        assertThat(only("params.note != ''").value()).isEqualTo("");
        assertThat(only("attributes.status in ('FINISHED', \"FAILED\",'KILLED')"))
                .isEqualTo(new Comparison(new Field(Entity.ATTRIBUTE, "status"), Operator.IN, List.of("FINISHED", "FAILED", "KILLED")));
        assertThat(only("datasets.context IN('training')").values()).containsExactly("training");
    }

    @Test
    void prefixes_andMlflowAliases() {
        assertThat(only("metric.auc > 0").field()).isEqualTo(new Field(Entity.METRIC, "auc"));
        assertThat(only("param.p = 'x'").field()).isEqualTo(new Field(Entity.PARAM, "p"));
        assertThat(only("tag.t = 'x'").field()).isEqualTo(new Field(Entity.TAG, "t"));
        assertThat(only("attribute.user = 'x'").field()).isEqualTo(new Field(Entity.ATTRIBUTE, "user"));
        assertThat(only("run.run_name = 'x'").field()).isEqualTo(new Field(Entity.ATTRIBUTE, "run_name"));
        assertThat(only("dataset.digest = 'x'").field()).isEqualTo(new Field(Entity.DATASET, "digest"));
        assertThat(only("METRICS.auc > 0").field()).isEqualTo(new Field(Entity.METRIC, "auc"));
    }

    @Test
    void keys_unquotedWithPunctuation_orInBackticks() {
        assertThat(only("metrics.val/loss-2:x.y < 1").field().key()).isEqualTo("val/loss-2:x.y");
        assertThat(only("metrics.`f1 score` >= 0.5").field().key()).isEqualTo("f1 score");
        assertThat(only("params.`it's; DROP TABLE runs; --` = 'x'").field().key()).isEqualTo("it's; DROP TABLE runs; --");
    }

    @Test
    void clausesJoinedByAnd_inAnyCase() {
        List<Comparison> clauses = SearchParser.parseFilter(
                "metrics.auc > 0.75 AND params.trainer = 'lr' and attributes.status != 'RUNNING' AnD datasets.name LIKE 'bank%'");
        assertThat(clauses).extracting(c -> c.field().entity())
                .containsExactly(Entity.METRIC, Entity.PARAM, Entity.ATTRIBUTE, Entity.DATASET);
    }

    @Test
    void orderKeys_defaultAscending() {
        assertThat(SearchParser.parseOrderBy(List.of("metrics.auc DESC", "attributes.start_time", "params.`a b` asc", "tag.x desc ")))
                .containsExactly(new OrderKey(new Field(Entity.METRIC, "auc"), false),
                        new OrderKey(new Field(Entity.ATTRIBUTE, "start_time"), true),
                        new OrderKey(new Field(Entity.PARAM, "a b"), true),
                        new OrderKey(new Field(Entity.TAG, "x"), false));
    }

    // ---- errors: position (1-based), the token found there, and what was expected

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "metrics.auc >> 1|at position 14, unexpected '>'; expected a number",
        "metrics.auc >|at position 14, unexpected end of filter; expected a number",
        "metrics.auc > 'x'|at position 15, unexpected ''x''; expected a number",
        "metrics.auc LIKE '%'|at position 13, unexpected 'LIKE'; expected an operator: =, !=, >, >=, <, <=",
        "params.p > 'a'|at position 10, unexpected '>'; expected an operator: =, !=, LIKE, ILIKE or IN",
        "params.p = 1|at position 12, unexpected '1'; expected a quoted string",
        "params.p = 'abc|at position 12, unexpected ''abc'; expected a string closed by '",
        "foo.bar = 'x'|at position 1, unexpected 'foo.bar'; expected a field such as metrics.auc",
        "auc > 1|at position 1, unexpected 'auc'; expected a field such as metrics.auc",
        "metrics. > 1|at position 9, unexpected ' '; expected a key after 'metrics.'",
        "metrics.`f1 > 1|at position 9, unexpected '`f1 > 1'; expected a key closed by a backtick",
        "metrics.`` > 1|at position 9, unexpected '``'; expected a key between the backticks",
        "attributes.color = 'red'|at position 12, unexpected 'color'; expected an attribute: run_id, run_name, status, user, start_time, end_time",
        "datasets.size = 'x'|at position 10, unexpected 'size'; expected a data set field: name, digest, context",
        "attributes.status = 'DONE'|at position 21, unexpected ''DONE''; expected a run status: RUNNING, FINISHED, FAILED, KILLED",
        "attributes.status IN ('RUNNING', 'running')|at position 34, unexpected ''running''; expected a run status",
        "attributes.start_time > 1.5|at position 25, unexpected '1.5'; expected a whole number (epoch milliseconds)",
        "metrics.auc > 1e999|at position 15, unexpected '1e999'; expected a number within the range of a double",
        "metrics.auc > 1x|at position 15, unexpected '1x'; expected a number",
        "metrics.auc > 1 OR metrics.auc < 0|at position 17, unexpected 'OR'; expected AND or the end of the filter (only AND",
        "metrics.auc > 1 metrics.auc < 0|at position 17, unexpected 'metrics.auc'; expected AND or the end of the filter",
        "metrics.auc > 1 AND|at position 20, unexpected end of filter; expected a field",
        "metrics.auc > 1 ANDmetrics.x < 2|at position 17, unexpected 'ANDmetrics.x'; expected AND or the end",
        "params.p IN 'a'|at position 13, unexpected ''a''; expected '(' starting a list of quoted strings",
        "params.p IN ('a' 'b')|at position 18, unexpected ''b''; expected ',' or ')'",
        "params.p IN ()|at position 14, unexpected ')'; expected a quoted string",
        "params.p LIKE 'a\\b'|at position 15, unexpected ''a\\b''; expected a LIKE pattern in which a backslash is followed by %, _ or another backslash",
        "params.p LIKE 'a\\'|at position 15, unexpected ''a\\''; expected a LIKE pattern",
        "params.p = 'x'; DROP TABLE runs|at position 15, unexpected ';'; expected AND or the end of the filter",
        "params.p = 'x' -- comment|at position 16, unexpected '-'; expected AND or the end of the filter",
    })
    void syntaxErrors_namePositionTokenAndExpectation(String filter, String expected) {
        assertThatThrownBy(() -> SearchParser.parseFilter(filter))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("filter \"" + filter + "\": ")
                .hasMessageContaining(expected);
    }

    @Test
    void tooManyClauses_refused() {
        String filter = String.join(" AND ", Collections.nCopies(21, "metrics.a > 1"));
        assertThatThrownBy(() -> SearchParser.parseFilter(filter)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("more than 20 clauses");
        assertThat(SearchParser.parseFilter(String.join(" AND ", Collections.nCopies(20, "metrics.a > 1")))).hasSize(20);
    }

    @Test
    void tooManyInValues_refused() {
        String list = String.join(",", Collections.nCopies(501, "'v'"));
        assertThatThrownBy(() -> SearchParser.parseFilter("params.p IN (" + list + ")"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at most 500 values");
    }

    @Test
    void orderKeyErrors() {
        assertThatThrownBy(() -> SearchParser.parseOrderBy(List.of("metrics.auc DOWN")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("order key \"metrics.auc DOWN\": at position 13, unexpected 'DOWN'; expected ASC, DESC or the end of the key");
        assertThatThrownBy(() -> SearchParser.parseOrderBy(List.of("metrics.auc DESC, params.p")))
                .hasMessageContaining("at position 17, unexpected ','; expected the end of the key");
        assertThatThrownBy(() -> SearchParser.parseOrderBy(List.of("datasets.name")))
                .hasMessageContaining("at position 1, unexpected 'datasets.name'; expected a metric, param, tag or attribute");
        assertThatThrownBy(() -> SearchParser.parseOrderBy(List.of("")))
                .hasMessageContaining("at position 1, unexpected end of order key; expected a field");
        assertThatThrownBy(() -> SearchParser.parseOrderBy(Collections.nCopies(11, "metrics.a")))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at most 10 are allowed");
    }
}
