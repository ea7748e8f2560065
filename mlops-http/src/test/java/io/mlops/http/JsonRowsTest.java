package io.mlops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How JSON values become row values, and what parse errors say. */
class JsonRowsTest {

    private static List<Map<String, Object>> read(String json) {
        return JsonRows.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpError error(String json) {
        return catchThrowableOfType(() -> read(json), HttpError.class);
    }

    @Test
    void read_jsonValues_becomeTheJavaTypesScorersTake() {
        List<Map<String, Object>> rows = read("{\"rows\": [{\"i\": 41, \"big\": 123456789012345678901234567890,"
                + " \"f\": 0.25, \"e\": 1e3, \"s\": \"admin.\", \"t\": true, \"n\": null, \"v\": [1, 2.5, -3e-1], \"empty\": []},"
                + " {\"i\": -1}]}");

        assertThat(rows).hasSize(2);
        Map<String, Object> row = rows.get(0);
        assertThat(row.get("i")).isEqualTo(41L);
        assertThat(row.get("big")).isEqualTo(1.2345678901234568E29);
        assertThat(row.get("f")).isEqualTo(0.25);
        assertThat(row.get("e")).isEqualTo(1000.0);
        assertThat(row.get("s")).isEqualTo("admin.");
        assertThat(row.get("t")).isEqualTo(Boolean.TRUE);
        assertThat(row).containsKey("n");
        assertThat(row.get("n")).isNull();
        assertThat((double[]) row.get("v")).containsExactly(1, 2.5, -0.3);
        assertThat((double[]) row.get("empty")).isEmpty();
        assertThat(row.keySet()).containsExactly("i", "big", "f", "e", "s", "t", "n", "v", "empty");
        assertThat(rows.get(1)).containsExactly(Map.entry("i", -1L));
    }

    @Test
    void read_longVector_growsPastItsFirstBuffer() {
        StringBuilder json = new StringBuilder("{\"rows\": [{\"v\": [0");
        for (int i = 1; i < 100; i++) {
            json.append(", ").append(i);
        }
        double[] v = (double[]) read(json.append("]}]}").toString()).get(0).get("v");

        assertThat(v).hasSize(100);
        assertThat(v[99]).isEqualTo(99.0);
    }

    @Test
    void read_syntaxErrors_sayWhereWithoutJacksonInternals() {
        for (String bad : new String[] {"{\"rows\": [{\"x\": 1,}]}", "{\"rows\": [{\"x\": 1", "{\"rows\": [{\"x\": tru}]}",
                "{rows: []}", "{\"rows\": [{\"x\": 01}]}", "\u00ff\u00fe"}) {
            HttpError e = error(bad);

            assertThat(e.status).as(bad).isEqualTo(400);
            assertThat(e.code).as(bad).isEqualTo("malformed_json");
            assertThat(e.getMessage()).as(bad).contains("line 1, column").doesNotContain("Source")
                    .doesNotContain("StreamReadFeature").doesNotContain("jackson").doesNotContain("Exception");
        }
    }

    @Test
    void read_deepNesting_isRefusedByShapeFirst() {
        String deep = "{\"rows\": [{\"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}]}";

        HttpError e = error(deep);

        assertThat(e.status).isEqualTo(400);
        assertThat(e.getMessage()).contains("row 0, feature 'x' element 0 is an array");
    }

    @Test
    void read_longFeatureName_isAbbreviatedInMessages() {
        String name = "f".repeat(5000);

        HttpError e = error("{\"rows\": [{\"" + name + "\": {}}]}");

        assertThat(e.getMessage()).hasSizeLessThan(300).contains("fff...");
    }

    @Test
    void readBody_requestIds_oneStringPerRow_orAClearError() {
        JsonRows.Body body = JsonRows.readBody("{\"request_ids\": [\"a-1\", \"a-2\"], \"rows\": [{\"x\": 1}, {\"x\": 2}]}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(body.requestIds()).containsExactly("a-1", "a-2");
        assertThat(body.rows()).hasSize(2);
        assertThat(JsonRows.readBody("{\"rows\": [{\"x\": 1}]}".getBytes(StandardCharsets.UTF_8)).requestIds()).isNull();

        HttpError tooFew = error("{\"rows\": [{\"x\": 1}, {\"x\": 2}], \"request_ids\": [\"a-1\"]}");
        assertThat(tooFew.status).isEqualTo(400);
        assertThat(tooFew.getMessage()).contains("'request_ids' has 1 ids for 2 rows");
        HttpError notText = error("{\"rows\": [{\"x\": 1}], \"request_ids\": [17]}");
        assertThat(notText.getMessage()).contains("request id 1 is").contains("not a string");
        HttpError notArray = error("{\"rows\": [{\"x\": 1}], \"request_ids\": \"a-1\"}");
        assertThat(notArray.getMessage()).contains("'request_ids' is").contains("not an array of strings");
        assertThat(error("{\"rows\": [{\"x\": 1}], \"ids\": []}").getMessage()).contains("unknown field 'ids'")
                .contains("request_ids");
    }
}
