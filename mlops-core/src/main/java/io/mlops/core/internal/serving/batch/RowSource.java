package io.mlops.core.internal.serving.batch;

import io.mlops.api.serving.FeatureSpec;
import java.util.List;
import java.util.OptionalLong;

/**
 * Rows of named columns read one at a time, so that only the current chunk is ever held. Not
 * thread-safe. Every failure is an unchecked {@link io.mlops.api.MlopsException} that names the
 * input and where in it.
 */
interface RowSource extends AutoCloseable {

    /** The input for messages, for example {@code 'data/clients.csv'} or {@code query 'SELECT …'}. */
    String describe();

    /** The input as the sidecar records it: an absolute path or the SQL text. */
    String input();

    /** The column names, in input order. */
    List<String> columns();

    /** Whether column names match regardless of case, as SQL identifiers do. */
    boolean caseInsensitiveNames();

    /** What to suggest when features are missing from {@link #columns()}; empty when nothing helps. */
    String missingColumnsHint();

    /** Moves to the next row; false at the end. */
    boolean next();

    /** Where the current row is: a line number of a file, or a row number of a query. */
    long position();

    /** {@code line 7} or {@code row 7}, for messages. */
    String describePosition(long position);

    /** {@code lines 2 to 1025} or {@code rows 1 to 1024}, for messages. */
    String describeRange(long first, long last);

    /** The current row's value of {@code column} as the feature's type. */
    Object feature(int column, FeatureSpec feature);

    /** The current row's value of {@code column} as text for the output; empty for no value. */
    String text(int column);

    /** Bytes of the input read so far, where that is cheap to know. */
    OptionalLong bytesRead();

    /** Size of the input, where known in advance. */
    OptionalLong inputBytes();

    /** Extra provenance for the sidecar's {@code input} object: name to text value. */
    default java.util.Map<String, String> provenance() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
