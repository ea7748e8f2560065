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
        assertThat(columns.rowCount()).isEqualTo(2);
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
    }

    @Test
    void typedViews_readEveryTypeWithoutLettingTheCallerWrite() {
        FeatureColumns columns = FeatureColumns.builder()
                .numbers("f", new float[] {1.5f, 2.5f})
                .numbers("d", new double[] {3.5, 4.5})
                .numbers("l", new long[] {5, 6})
                .numbers("i", new int[] {7, 8})
                .booleans("b", new boolean[] {true, false})
                .strings("s", new String[] {"x", "y"})
                .build();
        assertThat(columns.floats("f").get(1)).isEqualTo(2.5f);
        assertThat(columns.doubles("d").get(0)).isEqualTo(3.5);
        assertThat(columns.longs("l").get(1)).isEqualTo(6L);
        assertThat(columns.ints("i").get(0)).isEqualTo(7);
        assertThat(columns.booleans("b")).containsExactly(true, false);
        assertThat(columns.strings("s")).containsExactly("x", "y");
        assertThat(columns.floats("f").isReadOnly()).isTrue();
        assertThatThrownBy(() -> columns.floats("f").put(0, 9f)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        assertThatThrownBy(() -> columns.doubles("d").array()).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        assertThatThrownBy(() -> columns.strings("s").set(0, "z")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> columns.booleans("b").set(0, false)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(columns.value("f", 0)).isEqualTo(1.5f);
        assertThat(columns.strings("s").get(0)).isEqualTo("x");
    }

    @Test
    void equals_comparesNamesOrderTypesAndValues() {
        FeatureColumns a = FeatureColumns.builder().numbers("age", new double[] {41}).strings("job", new String[] {"x"})
                .build();
        FeatureColumns same = FeatureColumns.builder().numbers("age", new double[] {41})
                .strings("job", new String[] {"x"}).build();
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isNotEqualTo(FeatureColumns.builder().numbers("age", new float[] {41})
                .strings("job", new String[] {"x"}).build());
        assertThat(a).isNotEqualTo(FeatureColumns.builder().strings("job", new String[] {"x"})
                .numbers("age", new double[] {41}).build());
        assertThat(a).isNotEqualTo(FeatureColumns.builder().numbers("age", new double[] {42})
                .strings("job", new String[] {"x"}).build());
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
        assertThatThrownBy(() -> FeatureColumns.builder().strings(null, new String[] {null}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("must not be null or blank, got null");
        assertThatThrownBy(() -> FeatureColumns.builder().strings("job", new String[1]).strings("job", new String[] {"x"}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("is null at row 0");
        assertThatThrownBy(() -> FeatureColumns.builder().strings("job", new String[] {"x"}).strings("job", new String[] {"y"}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'job' was added twice");
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
        assertThatThrownBy(() -> columns.floats("age"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'age' holds double values, not float");
        assertThatThrownBy(() -> columns.strings("nope"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no column 'nope'");
        assertThatThrownBy(() -> columns.value("age", 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void vectors_holdOneCopiedVectorPerRow_readFlatOrByRow() {
        float[][] given = {{1f, 2f, 3f}, {4f, 5f, 6f}};
        FeatureColumns columns = FeatureColumns.builder().vectors("input", given).build();
        given[0][0] = 99f;
        given[1] = new float[] {7f, 8f, 9f};

        assertThat(columns.rowCount()).isEqualTo(2);
        assertThat(columns.type("input")).isEqualTo(ColumnType.FLOAT_VECTOR);
        assertThat(columns.vectorLength("input")).isEqualTo(3);
        java.nio.FloatBuffer flat = columns.vectors("input");
        assertThat(flat.isReadOnly()).isTrue();
        float[] all = new float[flat.remaining()];
        flat.get(all);
        assertThat(all).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);

        float[] row = (float[]) columns.value("input", 1);
        assertThat(row).containsExactly(4f, 5f, 6f);
        row[0] = -1f; // a copy: the batch keeps its values
        assertThat((float[]) columns.row(1).get("input")).containsExactly(4f, 5f, 6f);
        assertThat(columns.toString()).isEqualTo("FeatureColumns[rows=2, columns={input=FLOAT_VECTOR}]");
    }

    @Test
    void vectors_givenFlat_equalTheSameRowsGivenAsArrays() {
        float[] flat = {1f, 2f, 3f, 4f, 5f, 6f};
        FeatureColumns fromFlat = FeatureColumns.builder().vectors("v", flat, 3).build();
        flat[0] = 99f; // copied
        assertThat(fromFlat).isEqualTo(FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}})
                .build());
        assertThat(fromFlat.rowCount()).isEqualTo(2);
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[5], 3))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("vector column 'v' has 5 values, which is not a whole number of rows of length 3");
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[4], 0))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("rows of length 0");
    }

    @Test
    void vectors_equalByContent() {
        FeatureColumns a = FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f}, {3f, 4f}}).build();
        FeatureColumns same = FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f}, {3f, 4f}}).build();
        FeatureColumns otherShape = FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f, 3f, 4f}}).build();
        FeatureColumns otherValue = FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f}, {3f, 5f}}).build();
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(otherShape).isNotEqualTo(otherValue);
    }

    @Test
    void vectors_refuseNullEmptyOrRaggedRows_namingTheRow() {
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[][] {{1f}, null}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("vector column 'v' is null at row 1; every row needs a float[]");
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[][] {{}, {}}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("vector column 'v' is empty at row 0");
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[][] {{1f, 2f}, {1f, 2f}, {3f}}))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessage("vector column 'v' has 1 values at row 2 but 2 at row 0; every row needs the same length");
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", null))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'v' has a null array");
        assertThatThrownBy(() -> FeatureColumns.builder().vectors("v", new float[][] {{1f}, {2f}})
                .numbers("w", new float[3]).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("columns differ in length {v=2, w=3}");
        FeatureColumns scalar = FeatureColumns.builder().numbers("w", new float[1]).build();
        assertThatThrownBy(() -> scalar.vectors("w"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("column 'w' holds float values, not float[]");
        assertThat(FeatureColumns.builder().vectors("v", new float[0][]).build().rowCount()).isZero();
    }
}
