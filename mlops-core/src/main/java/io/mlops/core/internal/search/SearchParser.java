package io.mlops.core.internal.search;

import io.mlops.api.InvalidArgumentException;
import io.mlops.api.spi.search.Attribute;
import io.mlops.api.spi.search.Comparison;
import io.mlops.api.spi.search.Entity;
import io.mlops.api.spi.search.Field;
import io.mlops.api.spi.search.Operator;
import io.mlops.api.spi.search.OrderKey;
import io.mlops.api.tracking.RunSearch;
import io.mlops.api.tracking.RunStatus;
import io.mlops.core.internal.Validation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Parses the filter and order keys of a {@link RunSearch} (grammar in its Javadoc) into their
 * checked form. A hand-written scanner and recursive descent: the grammar is tiny, and doing it by
 * hand gives every error the exact 1-based position and the token found there.
 *
 * <pre>
 * filter    := [ clause { AND clause } ]
 * clause    := field ( numericOp number | stringOp string | IN '(' string { ',' string } ')' )
 * field     := prefix '.' ( '`' any-but-backtick '`' | keychar { keychar } )
 * orderKey  := field [ ASC | DESC ]
 * </pre>
 */
final class SearchParser {

    private static final Map<String, Entity> PREFIXES = Map.ofEntries(
            Map.entry("metrics", Entity.METRIC), Map.entry("metric", Entity.METRIC),
            Map.entry("params", Entity.PARAM), Map.entry("param", Entity.PARAM),
            Map.entry("tags", Entity.TAG), Map.entry("tag", Entity.TAG),
            Map.entry("attributes", Entity.ATTRIBUTE), Map.entry("attribute", Entity.ATTRIBUTE),
            Map.entry("run", Entity.ATTRIBUTE),
            Map.entry("datasets", Entity.DATASET), Map.entry("dataset", Entity.DATASET));
    private static final List<String> DATASET_KEYS = List.of("name", "digest", "context");
    private static final String FIELD = "a field such as metrics.auc, params.trainer or attributes.status";
    private static final String NUMERIC_OPERATORS = "=, !=, >, >=, <, <=";
    private static final String STRING_OPERATORS = "=, !=, LIKE, ILIKE or IN";

    private final String what;
    private final String text;
    private int pos;

    private SearchParser(String what, String text) {
        this.what = what;
        this.text = text;
    }

    /** The clauses of a filter; empty for a blank one. */
    static List<Comparison> parseFilter(String filter) {
        SearchParser p = new SearchParser("filter", filter);
        List<Comparison> clauses = new ArrayList<>();
        p.skipSpace();
        if (p.atEnd()) {
            return List.of();
        }
        clauses.add(p.clause());
        while (true) {
            p.skipSpace();
            if (p.atEnd()) {
                break;
            }
            int start = p.pos;
            String word = p.word();
            if (!word.equalsIgnoreCase("AND")) {
                p.pos = start;
                throw p.unexpected(word.equalsIgnoreCase("OR") || word.equalsIgnoreCase("NOT")
                        ? "AND or the end of the filter (only AND is supported between clauses)"
                        : "AND or the end of the filter");
            }
            p.requireSpaceOrSymbol();
            clauses.add(p.clause());
            if (clauses.size() > RunSearch.MAX_CLAUSES) {
                throw new InvalidArgumentException(p.quoted() + ": more than " + RunSearch.MAX_CLAUSES
                        + " clauses; at most " + RunSearch.MAX_CLAUSES + " are allowed");
            }
        }
        return List.copyOf(clauses);
    }

    /** The order keys, each like {@code metrics.auc DESC}; ascending unless DESC is given. */
    static List<OrderKey> parseOrderBy(List<String> keys) {
        if (keys.size() > RunSearch.MAX_ORDER_KEYS) {
            throw new InvalidArgumentException("order by " + keys + " has " + keys.size() + " keys; at most "
                    + RunSearch.MAX_ORDER_KEYS + " are allowed");
        }
        List<OrderKey> order = new ArrayList<>(keys.size());
        for (String key : keys) {
            if (key == null) {
                throw new InvalidArgumentException("order by " + keys + " contains null; expected keys such as 'metrics.auc DESC'");
            }
            order.add(new SearchParser("order key", key).orderKey());
        }
        return List.copyOf(order);
    }

    private OrderKey orderKey() {
        skipSpace();
        int fieldStart = pos;
        Field field = field();
        if (field.entity() == Entity.DATASET) {
            pos = fieldStart;
            throw unexpected("a metric, param, tag or attribute (a run may have several data set inputs, so they"
                    + " cannot order runs)");
        }
        skipSpace();
        boolean ascending = true;
        if (!atEnd()) {
            int start = pos;
            String word = word();
            if (word.equalsIgnoreCase("DESC")) {
                ascending = false;
            } else if (!word.equalsIgnoreCase("ASC")) {
                pos = start;
                throw unexpected("ASC, DESC or the end of the key");
            }
            skipSpace();
            if (!atEnd()) {
                throw unexpected("the end of the key (give each order key as its own string)");
            }
        }
        return new OrderKey(field, ascending);
    }

    private Comparison clause() {
        skipSpace();
        Field field = field();
        skipSpace();
        int opStart = pos;
        Operator op = operator(field);
        if (op == null) {
            pos = opStart;
            throw unexpected("an operator: " + (field.numeric() ? NUMERIC_OPERATORS : STRING_OPERATORS)
                    + " (" + field + (field.numeric() ? " compares as a number)" : " compares as a string)"));
        }
        skipSpace();
        if (field.numeric()) {
            return new Comparison(field, op, List.of(number(field)));
        }
        if (op == Operator.IN) {
            return new Comparison(field, op, stringList(field));
        }
        int valueStart = pos;
        String value = string();
        if (op == Operator.LIKE || op == Operator.ILIKE) {
            checkPattern(value, valueStart);
        } else {
            checkValue(field, value, valueStart);
        }
        return new Comparison(field, op, List.of(value));
    }

    private Field field() {
        int start = pos;
        String prefix = word();
        Entity entity = PREFIXES.get(prefix.toLowerCase(Locale.ROOT));
        if (entity == null || peek() != '.') {
            pos = start;
            throw unexpected(FIELD);
        }
        pos++;
        int keyStart = pos;
        String key;
        if (peek() == '`') {
            int close = text.indexOf('`', pos + 1);
            if (close < 0) {
                throw unexpected("a key closed by a backtick");
            }
            key = text.substring(pos + 1, close);
            if (key.isEmpty()) {
                throw unexpected("a key between the backticks");
            }
            pos = close + 1;
        } else {
            while (!atEnd() && isKeyChar(peek())) {
                pos++;
            }
            key = text.substring(keyStart, pos);
            if (key.isEmpty()) {
                throw unexpected("a key after '" + prefix + ".'");
            }
        }
        if (key.length() > Validation.MAX_KEY) {
            pos = keyStart;
            throw unexpected("a key of at most " + Validation.MAX_KEY + " characters");
        }
        if (entity == Entity.ATTRIBUTE && Attribute.ofKey(key).isEmpty()) {
            pos = keyStart;
            throw unexpected("an attribute: " + Arrays.stream(Attribute.values()).map(Attribute::key)
                    .collect(Collectors.joining(", ")));
        }
        if (entity == Entity.DATASET && !DATASET_KEYS.contains(key)) {
            pos = keyStart;
            throw unexpected("a data set field: " + String.join(", ", DATASET_KEYS));
        }
        return new Field(entity, key);
    }

    /** The operator at the cursor if it suits the field, else null with the cursor unmoved. */
    private Operator operator(Field field) {
        char c = peek();
        Operator op = null;
        int length = 1;
        if (c == '=') {
            op = Operator.EQ;
        } else if (c == '!' && peekAt(1) == '=') {
            op = Operator.NE;
            length = 2;
        } else if (c == '>' || c == '<') {
            boolean orEqual = peekAt(1) == '=';
            op = c == '>' ? (orEqual ? Operator.GE : Operator.GT) : (orEqual ? Operator.LE : Operator.LT);
            length = orEqual ? 2 : 1;
        } else if (Character.isLetter(c)) {
            int start = pos;
            String word = word();
            pos = start;
            length = word.length();
            op = switch (word.toUpperCase(Locale.ROOT)) {
                case "LIKE" -> Operator.LIKE;
                case "ILIKE" -> Operator.ILIKE;
                case "IN" -> Operator.IN;
                default -> null;
            };
        }
        if (op == null || !accepts(field, op)) {
            return null;
        }
        pos += length;
        return op;
    }

    /** Numbers compare by order, strings by equality, pattern or membership. */
    private static boolean accepts(Field field, Operator op) {
        return switch (op) {
            case EQ, NE -> true;
            case GT, GE, LT, LE -> field.numeric();
            case LIKE, ILIKE, IN -> !field.numeric();
        };
    }

    private Object number(Field field) {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        int digits = 0;
        while (Character.isDigit(peek())) {
            pos++;
            digits++;
        }
        if (peek() == '.') {
            pos++;
            while (Character.isDigit(peek())) {
                pos++;
                digits++;
            }
        }
        if (digits > 0 && (peek() == 'e' || peek() == 'E')) {
            int exponentStart = pos;
            pos++;
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            if (!Character.isDigit(peek())) {
                pos = exponentStart;
            }
            while (Character.isDigit(peek())) {
                pos++;
            }
        }
        boolean complete = digits > 0 && !(Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.');
        String literal = text.substring(start, pos);
        if (!complete) {
            pos = start;
            throw unexpected(field.entity() == Entity.METRIC ? "a number" : "a whole number (epoch milliseconds)");
        }
        BigDecimal decimal = new BigDecimal(literal.startsWith("+") ? literal.substring(1) : literal);
        if (field.entity() == Entity.METRIC) {
            double value = decimal.doubleValue();
            if (!Double.isFinite(value)) {
                pos = start;
                throw unexpected("a number within the range of a double");
            }
            return value;
        }
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notWhole) {
            pos = start;
            throw unexpected("a whole number (epoch milliseconds)");
        }
    }

    private List<Object> stringList(Field field) {
        if (peek() != '(') {
            throw unexpected("'(' starting a list of quoted strings");
        }
        pos++;
        List<Object> values = new ArrayList<>();
        while (true) {
            skipSpace();
            int valueStart = pos;
            String value = string();
            checkValue(field, value, valueStart);
            values.add(value);
            if (values.size() > RunSearch.MAX_IN_VALUES) {
                pos = valueStart;
                throw unexpected("')': an IN list has at most " + RunSearch.MAX_IN_VALUES + " values");
            }
            skipSpace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == ')') {
                pos++;
                return values;
            } else {
                throw unexpected("',' or ')'");
            }
        }
    }

    private String string() {
        char quote = peek();
        if (quote != '\'' && quote != '"') {
            throw unexpected("a quoted string");
        }
        StringBuilder value = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= text.length()) {
                throw unexpected("a string closed by " + quote);
            }
            char c = text.charAt(i);
            if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    value.append(quote);
                    i += 2;
                    continue;
                }
                pos = i + 1;
                return value.toString();
            }
            value.append(c);
            i++;
        }
    }

    private void checkValue(Field field, String value, int valueStart) {
        if (field.entity() == Entity.ATTRIBUTE && field.key().equals(Attribute.STATUS.key())) {
            try {
                RunStatus.valueOf(value);
            } catch (IllegalArgumentException notAStatus) {
                pos = valueStart;
                throw unexpected("a run status: " + Arrays.stream(RunStatus.values()).map(Enum::name)
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    // Backslash escapes exactly %, _ and itself: PostgreSQL, H2 and the in-memory matcher treat other
    // escapes differently (or reject them), so they are refused rather than given a meaning.
    private void checkPattern(String pattern, int valueStart) {
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) == '\\') {
                char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
                if (next != '%' && next != '_' && next != '\\') {
                    pos = valueStart;
                    throw unexpected("a LIKE pattern in which a backslash is followed by %, _ or another backslash");
                }
                i++;
            }
        }
    }

    // ---- scanning

    private static boolean isKeyChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':');
    }

    private String word() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** After a keyword, a space or a symbol must follow, so that {@code ANDmetrics.x} is not read as AND. */
    private void requireSpaceOrSymbol() {
        if (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
            throw unexpected("a space after AND");
        }
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return peekAt(0);
    }

    private char peekAt(int offset) {
        int i = pos + offset;
        return i < text.length() ? text.charAt(i) : 0;
    }

    private String quoted() {
        return what + " \"" + text + "\"";
    }

    /** The error for what is at the cursor, naming its position, the token there and what would be valid. */
    private InvalidArgumentException unexpected(String expected) {
        String found = atEnd() ? "end of " + what : "'" + tokenAt(pos) + "'";
        return new InvalidArgumentException(quoted() + ": at position " + (pos + 1) + ", unexpected " + found
                + "; expected " + expected);
    }

    private String tokenAt(int at) {
        char c = text.charAt(at);
        int end = at + 1;
        if (Character.isLetterOrDigit(c) || c == '_') {
            while (end < text.length() && (isKeyChar(text.charAt(end)) || Character.isLetterOrDigit(text.charAt(end)))) {
                end++;
            }
        } else if (c == '\'' || c == '"' || c == '`') {
            int close = text.indexOf(c, at + 1);
            end = close < 0 ? text.length() : close + 1;
        } else if ((c == '-' || c == '+' || c == '.') && end < text.length() && Character.isDigit(text.charAt(end))) {
            while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '.')) {
                end++;
            }
        }
        String token = text.substring(at, end);
        return token.length() > 40 ? token.substring(0, 37) + "..." : token;
    }
}
