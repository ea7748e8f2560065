package io.mlops.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.serving.FeatureColumns;
import io.mlops.api.serving.FeatureColumns.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureColumnsTest {

    @Test
    void build_keepsColumnOrderTypesAndValues() {
        FeatureColumns columns = FeatureColumns.builder()
                .numbers("age", new double[] {41, 29})
                .strings("job", new String[] {"admin.", "technician"})
                .numbers("balance", new long[] {1200, -5})
                .numbers("campaign", new int[] {1, 3})
                .numbers("duration", new float[] {61.5f, 20f})
                .booleans("loan", new boolean[] {true, false})
                .build();
        assertThat(columns.rows()).isEqualTo(2);
        assertThat(columns.names()).containsExactly("age", "job", "balance", "campaign", "duration", "loan");
        assertThat(columns.names()).extracting(columns::type).containsExactly(ColumnType.DOUBLE, ColumnType.STRING,
                ColumnType.LONG, ColumnType.INT, ColumnType.FLOAT, ColumnType.BOOLEAN);
        assertThat(columns.value("age", 1)).isEqualTo(29.0);
        assertThat(columns.value("job", 0)).isEqualTo("admin.");
        assertThat(columns.value("balance", 1)).isEqualTo(-5L);
        assertThat(columns.value("campaign", 1)).isEqualTo(3);
        assertThat(columns.value("duration", 0)).isEqualTo(61.5f);
        assertThat(columns.value("loan", 0)).isEqualTo(true);
        assertThat(columns.toString()).isEqualTo("FeatureColumns[rows=2, columns={age=DOUBLE, job=STRING, balance=LONG,"
                + " campaign=INT, duration=FLOAT, loan=BOOLEAN}]");
    }

    @Test
    void asRows_viewsEachRowAsAnOrderedMapOfBoxedValues() {
        FeatureColumns columns = FeatureColumns.builder()
                .numbers("age", new double[] {41, 29})
                .strings("job", new String[] {"admin.", "technician"})
                .build();
        List<Map<String, Object>> rows = columns.asRows();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).containsExactly(Map.entry("age", 29.0), Map.entry("job", "technician"));
        assertThat(rows.get(0)).isEqualTo(Map.of("age", 41.0, "job", "admin."));
        assertThat(rows.get(0).get("missing")).isNull();
        assertThat(rows.get(0).containsKey("job")).isTrue();
        assertThatThrownBy(() -> rows.get(0).put("age", 1.0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> columns.row(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void build_copiesTheArrays_soLaterChangesByTheCallerDoNotReachTheBatch() {
        float[] ages = {41f, 29f};
        String[] jobs = {"admin.", "technician"};
        FeatureColumns.Builder builder = FeatureColumns.builder().numbers("age", ages).strings("job", jobs);
        FeatureColumns columns = builder.build();
        ages[0] = -1f;
        jobs[1] = "changed";
        builder.numbers("later", new float[] {1f, 2f});
        assertThat(columns.value("age", 0)).isEqualTo(41f);
        assertThat(columns.value("job", 1)).isEqualTo("technician");
        assertThat(columns.names()).containsExactly("age", "job");

        float[] copy = new float[3];
        columns.copy("age", 0, 2, copy, 1);
        assertThat(copy).containsExactly(0f, 41f, 29f);
        copy[1] = 99f;
        assertThat(columns.value("age", 0)).isEqualTo(41f);
    }

    @Test
    void builder_refusesBadColumnsAtOnce_namingTheColumnAndRow() {
        assertThatThrownBy(() -> FeatureColumns.builder().numbers("age", new double[1]).numbers("age", new float[1]))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'age' was added twice");
        assertThatThrownBy(() -> FeatureColumns.builder().numbers(" ", new double[1]))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("must not be null or blank, got ' '");
        assertThatThrownBy(() -> FeatureColumns.builder().numbers(null, new double[1]))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("got null");
        assertThatThrownBy(() -> FeatureColumns.builder().numbers("age", (double[]) null))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'age' has a null array");
        assertThatThrownBy(() -> FeatureColumns.builder().strings("job", new String[] {"admin.", null}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'job' is null at row 1");
        assertThatThrownBy(() -> FeatureColumns.builder().build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("at least one column");
        assertThatThrownBy(() -> FeatureColumns.builder().numbers("age", new double[3]).strings("job", new String[0])
                .numbers("balance", new long[3]).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("columns differ in length {age=3, job=0, balance=3}");
    }

    @Test
    void readers_refuseUnknownColumnsAndMismatchedTargets() {
        FeatureColumns columns = FeatureColumns.builder().numbers("age", new double[] {41}).build();
        assertThatThrownBy(() -> columns.value("job", 0))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no column 'job' in this batch; its columns are [age]");
        assertThatThrownBy(() -> columns.copy("age", 0, 1, new float[1], 0))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'age' holds double[] values; cannot copy them into float[]");
        assertThatThrownBy(() -> columns.copy("age", 0, 2, new double[2], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> columns.value("age", 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
