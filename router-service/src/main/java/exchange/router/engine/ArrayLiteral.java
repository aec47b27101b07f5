package exchange.router.engine;

import exchange.common.money.FixedPoint;

/**
 * One column of a batch's rows as a PostgreSQL array literal ({@code {1,2,NULL}}), passed as one text parameter
 * and cast to the column's array type; a table's columns are then {@code unnest}ed side by side. The batch
 * commit sends each table as such arrays in one statement, which PostgreSQL decodes several times faster than
 * {@code json_to_recordset}. Decimals are written from engine units,
 * which PostgreSQL reads into {@code numeric} exactly. Not thread-safe.
 */
final class ArrayLiteral {

    private final StringBuilder text = new StringBuilder(64).append('{');

    ArrayLiteral add(long value) {
        next().append(value);
        return this;
    }

    /** {@code units} with {@code decimals} fractional digits, e.g. (1500, 3) is 1.500. */
    ArrayLiteral addDecimal(long units, int decimals) {
        next().append(FixedPoint.format(units, decimals));
        return this;
    }

    ArrayLiteral add(boolean value) {
        next().append(value ? 't' : 'f');
        return this;
    }

    ArrayLiteral addNull() {
        next().append("NULL");
        return this;
    }

    /** Any string, quoted; PostgreSQL text cannot hold NUL, which callers never pass (validated at the API). */
    ArrayLiteral add(String value) {
        StringBuilder out = next().append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
        return this;
    }

    private StringBuilder next() {
        if (text.length() > 1) {
            text.append(',');
        }
        return text;
    }

    @Override
    public String toString() {
        return text + "}";
    }
}
