package io.mlops.core.internal.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.mlops.api.data.ColumnProfile;
import io.mlops.api.tracking.DatasetColumn;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Profiles a delimited text file as it streams past: a header line naming the columns, then one
 * row per line (RFC 4180 quoting). The separator is a tab for {@code .tsv} files and, for
 * {@code .csv}, whichever of {@code , ; | tab} occurs most often outside quotes in the header.
 */
public final class CsvProfiler {

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();
    private static final int HEADER_SNIFF_BYTES = 64 * 1024;

    private CsvProfiler() {
    }

    /** True for the file names this profiler reads: {@code .csv} and {@code .tsv}, any case. */
    public static boolean handles(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") || lower.endsWith(".tsv");
    }

    /**
     * Profiles the stream to its end. The stream is read, not closed.
     *
     * @throws NotTabularException if the content is not a well-formed table, saying where and why
     * @throws IOException if the stream cannot be read
     */
    public static Tabular profile(InputStream content, String fileName) throws IOException {
        BufferedInputStream in = new BufferedInputStream(nonClosing(content), HEADER_SNIFF_BYTES);
        char separator = fileName.toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : sniffSeparator(in);
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(separator);
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(schema)
                .readValues(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (!rows.hasNextValue()) {
                throw new NotTabularException("it is empty");
            }
            String[] header = rows.nextValue();
            Set<String> seen = new HashSet<>();
            for (String column : header) {
                if (column.isBlank() || !seen.add(column)) {
                    throw new NotTabularException("its header names column '" + column + "' "
                            + (column.isBlank() ? "blank" : "twice"));
                }
            }
            List<ColumnProfiler> columns = new ArrayList<>(header.length);
            for (String column : header) {
                columns.add(new ColumnProfiler(column));
            }
            long count = 0;
            while (rows.hasNextValue()) {
                String[] row = rows.nextValue();
                count++;
                if (row.length > header.length) {
                    throw new NotTabularException("data row " + count + " has " + row.length + " cells but the header "
                            + header.length + " columns (separator '" + printable(separator) + "')");
                }
                for (int i = 0; i < header.length; i++) {
                    columns.get(i).add(i < row.length ? row[i] : null);
                }
            }
            List<DatasetColumn> types = new ArrayList<>(header.length);
            List<ColumnProfile> profile = new ArrayList<>(header.length);
            for (ColumnProfiler column : columns) {
                ColumnProfile p = column.finish();
                profile.add(p);
                types.add(new DatasetColumn(p.name(), p.type()));
            }
            return new Tabular(count, types, profile);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // Malformed CSV (an unbalanced quote, say): the data is still logged, only not profiled.
            throw new NotTabularException("it does not parse: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            if (e instanceof NotTabularException n) {
                throw n;
            }
            throw new NotTabularException("it does not parse: " + e.getMessage());
        }
    }

    private static char sniffSeparator(BufferedInputStream in) throws IOException {
        in.mark(HEADER_SNIFF_BYTES);
        byte[] head = in.readNBytes(HEADER_SNIFF_BYTES);
        in.reset();
        char[] candidates = {',', ';', '\t', '|'};
        int[] counts = new int[candidates.length];
        boolean quoted = false;
        for (byte b : head) {
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted && (b == '\n' || b == '\r')) {
                break;
            } else if (!quoted) {
                for (int i = 0; i < candidates.length; i++) {
                    if (b == candidates[i]) {
                        counts[i]++;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < candidates.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return candidates[best];
    }

    private static String printable(char separator) {
        return separator == '\t' ? "\\t" : String.valueOf(separator);
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // The caller still drains the stream through its digest after the parser is done.
            }
        };
    }

    /** The content is not a table; the data is still logged, without schema or profile. */
    public static final class NotTabularException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotTabularException(String reason) {
            super(reason, null, false, false);
        }
    }
}
