package io.mlops.core.internal.serving.batch;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import io.mlops.core.internal.CountingInputStream;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.mlops.api.InvalidArgumentException;
import io.mlops.api.MlopsException;
import io.mlops.api.serving.FeatureSpec;
import io.mlops.core.internal.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A UTF-8 CSV file with a header line, read a row at a time by Jackson's CSV parser. Quoted cells
 * may hold separators, quotes ({@code ""}) and line breaks; blank lines are skipped. Line numbers
 * count physical lines from 1 (the header), so they match what an editor shows.
 */
final class CsvRowSource implements RowSource {

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final String OTHER_SEPARATORS = ",;\t|";

    private final Path file;
    private final char separator;
    private final long size;
    private final CountingInputStream counting;
    private final DigestInputStream digesting;
    private final MappingIterator<String[]> rows;
    private List<String> header = List.of();
    private String[] current;
    private long line;
    private boolean exhausted;

    private CsvRowSource(Path file, char separator, long size, CountingInputStream counting,
            DigestInputStream digesting, MappingIterator<String[]> rows) {
        this.file = file;
        this.separator = separator;
        this.size = size;
        this.counting = counting;
        this.digesting = digesting;
        this.rows = rows;
    }

    /**
     * Opens the file and reads its header line.
     *
     * @throws InvalidArgumentException if the file does not exist, is empty or its header is not CSV
     */
    static CsvRowSource open(Path file, char separator) {
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new InvalidArgumentException("cannot score '" + absolute + "': it is a folder; give a CSV file");
        }
        InputStream in = null;
        try {
            long size = Files.size(absolute);
            in = Files.newInputStream(absolute);
            CountingInputStream counting = new CountingInputStream(in);
            DigestInputStream digesting = new DigestInputStream(counting, Digests.sha256());
            // A decoder that reports bad bytes: replacing them would score text the file never held.
            Reader reader = new InputStreamReader(digesting, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
            MappingIterator<String[]> rows = CSV.readerFor(String[].class)
                    .with(CsvSchema.emptySchema().withColumnSeparator(separator))
                    .readValues(reader);
            CsvRowSource source = new CsvRowSource(absolute, separator, size, counting, digesting, rows);
            if (!source.advance()) {
                throw new InvalidArgumentException("cannot score '" + absolute + "': the file is empty; expected a"
                        + " header line naming the columns, separated by '" + separator + "'");
            }
            String[] names = source.current.clone();
            if (names.length > 0 && !names[0].isEmpty() && names[0].charAt(0) == BYTE_ORDER_MARK) {
                names[0] = names[0].substring(1);
            }
            source.header = List.of(names);
            return source;
        } catch (NoSuchFileException e) {
            closeQuietly(in);
            throw new InvalidArgumentException("cannot score '" + absolute + "': no such file", e);
        } catch (IOException e) {
            closeQuietly(in);
            // Jackson reads ahead as soon as the reader is created, so bad bytes can surface here.
            throw readFailure("'" + absolute + "'", separator, 0, -1, e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    @Override
    public String describe() {
        return "'" + file + "'";
    }

    @Override
    public String input() {
        return file.toString();
    }

    @Override
    public List<String> columns() {
        return header;
    }

    @Override
    public boolean caseInsensitiveNames() {
        return false;
    }

    @Override
    public String missingColumnsHint() {
        if (header.size() == 1) {
            String only = header.get(0);
            for (char other : OTHER_SEPARATORS.toCharArray()) {
                if (other != separator && only.indexOf(other) >= 0) {
                    return "the header is one column that contains '" + printable(other)
                            + "': is the file separated by '" + printable(other) + "' rather than '"
                            + printable(separator) + "'? Set the separator";
                }
            }
        }
        return "";
    }

    @Override
    public boolean next() {
        if (!advance()) {
            return false;
        }
        if (current.length != header.size()) {
            throw new InvalidArgumentException("cannot score " + describe() + ": line " + line + " has "
                    + current.length + " cells but the header has " + header.size() + " columns; every line needs one"
                    + " cell per column, separated by '" + printable(separator) + "' (quote cells that contain it)");
        }
        return true;
    }

    private boolean advance() {
        if (exhausted) {
            return false;
        }
        try {
            if (!rows.hasNextValue()) {
                exhausted = true;
                return false;
            }
            current = rows.nextValue();
            // The token just read closes the row; its line is where the row's last cell starts.
            line = rows.getParser().currentTokenLocation().getLineNr();
            return true;
        } catch (IOException e) {
            throw readFailure(describe(), separator, line, counting.count(), e);
        }
    }

    /**
     * @param line      the line of the last row read completely, 0 if none
     * @param bytesRead bytes taken from the file so far, -1 if unknown
     */
    private static MlopsException readFailure(String file, char separator, long line, long bytesRead, IOException e) {
        String after = line > 0 ? "after line " + line : "before the first data row";
        Throwable cause = e;
        while (cause != null && !(cause instanceof CharacterCodingException)) {
            cause = cause.getCause();
        }
        if (cause != null) {
            return new InvalidArgumentException("cannot score " + file + ": the file is not valid UTF-8 (bad bytes "
                    + after + (bytesRead >= 0 ? ", within its first " + bytesRead + " bytes" : "")
                    + "); re-encode it as UTF-8", e);
        }
        if (e instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            String where = at == null ? after : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new InvalidArgumentException("cannot score " + file + ": not valid CSV " + where + ": "
                    + json.getOriginalMessage() + (line > 0 ? "; the last complete row ends at line " + line
                    + ", so look for an unbalanced quote after it" : "") + " (separator '" + printable(separator)
                    + "', quote '\"')", e);
        }
        return new MlopsException("cannot read " + file + " " + after + ": " + e.getMessage(), e);
    }

    @Override
    public long position() {
        return line;
    }

    @Override
    public String describePosition(long position) {
        return "line " + position;
    }

    @Override
    public String describeRange(long first, long last) {
        return "lines " + first + " to " + last;
    }

    @Override
    public Object feature(int column, FeatureSpec feature) {
        return CellValues.fromText(current[column], feature, () -> "cannot score " + describe() + ": line " + line
                + ", column " + (column + 1) + " '" + header.get(column) + "'");
    }

    @Override
    public String text(int column) {
        return current[column];
    }

    @Override
    public OptionalLong bytesRead() {
        return OptionalLong.of(counting.count());
    }

    @Override
    public OptionalLong inputBytes() {
        return OptionalLong.of(size);
    }

    /** Valid once every row has been read: the digest covers the bytes read so far. */
    @Override
    public Map<String, String> provenance() {
        if (!exhausted) {
            return Map.of("separator", String.valueOf(separator));
        }
        return Map.of("separator", String.valueOf(separator),
                "sha256", Digests.hex(digesting.getMessageDigest()),
                "bytes", Long.toString(counting.count()));
    }

    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException e) {
            // Only reading: nothing is lost when closing fails.
        }
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    @Override
    public String toString() {
        return "CsvRowSource[" + file + ", separator=" + printable(separator) + ", header=" + Arrays.toString(header.toArray()) + "]";
    }
}
