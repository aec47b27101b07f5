package exchange.stream.subscription;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import exchange.stream.fanout.Route;

/**
 * A stream name a client may subscribe to, parsed from Backpack's grammar:
 * {@code depth|trade|ticker|bookTicker.<symbol>}, {@code depth.200ms|600ms|1000ms.<symbol>},
 * {@code kline.<interval>.<symbol>}, {@code account.orderUpdate[.<symbol>]}. Symbols look like the
 * {@code market} table's ({@code BASE_QUOTE}, upper-case letters and digits), which also keeps {@code #} and
 * {@code .} out of Redis channel names.
 *
 * @param name the stream name as the client wrote it (and as envelopes carry it)
 * @param kind how it is delivered
 * @param symbol the market, or null for {@code account.orderUpdate}
 * @param window the aggregation window of aggregated depth, else null
 */
record StreamName(String name, Kind kind, String symbol, Duration window) {

    enum Kind {
        /** Forwarded from the Redis channel of the same name. */
        PUBLIC,
        /** Derived by this service from {@code depth.<symbol>}. */
        AGGREGATED_DEPTH,
        /** {@code account.orderUpdate[.<symbol>]}: needs a signature; channel suffixed with {@code #<account>}. */
        PRIVATE
    }

    static final String ORDER_UPDATE = "account.orderUpdate";

    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9]{1,16}_[A-Z0-9]{1,16}");
    private static final Set<String> SIMPLE = Set.of("depth", "trade", "ticker", "bookTicker");
    private static final Map<String, Duration> DEPTH_WINDOWS = Map.of(
            "200ms", Duration.ofMillis(200), "600ms", Duration.ofMillis(600), "1000ms", Duration.ofMillis(1000));
    /** Backpack's kline intervals (the REST {@code KlineInterval} values, which ccxt maps its timeframes to). */
    static final Set<String> KLINE_INTERVALS = Set.of(
            "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1month");

    static Optional<StreamName> parse(String name) {
        if (name == null || name.length() > 64) {
            return Optional.empty();
        }
        if (name.equals(ORDER_UPDATE)) {
            return Optional.of(new StreamName(name, Kind.PRIVATE, null, null));
        }
        if (name.startsWith(ORDER_UPDATE + ".")) {
            String symbol = name.substring(ORDER_UPDATE.length() + 1);
            return validSymbol(symbol) ? Optional.of(new StreamName(name, Kind.PRIVATE, symbol, null))
                    : Optional.empty();
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length == 2 && SIMPLE.contains(parts[0]) && validSymbol(parts[1])) {
            return Optional.of(new StreamName(name, Kind.PUBLIC, parts[1], null));
        }
        if (parts.length == 3 && validSymbol(parts[2])) {
            if (parts[0].equals("depth") && DEPTH_WINDOWS.containsKey(parts[1])) {
                return Optional.of(new StreamName(name, Kind.AGGREGATED_DEPTH, parts[2], DEPTH_WINDOWS.get(parts[1])));
            }
            if (parts[0].equals("kline") && KLINE_INTERVALS.contains(parts[1])) {
                return Optional.of(new StreamName(name, Kind.PUBLIC, parts[2], null));
            }
        }
        return Optional.empty();
    }

    private static boolean validSymbol(String symbol) {
        return SYMBOL.matcher(symbol).matches();
    }

    boolean isPrivate() {
        return kind == Kind.PRIVATE;
    }

    /** Where this stream's messages come from; {@code accountId} is required for private streams. */
    Route route(Long accountId) {
        return switch (kind) {
            case PUBLIC -> Route.direct(name);
            case AGGREGATED_DEPTH -> Route.aggregated(name, "depth." + symbol, window);
            case PRIVATE -> {
                if (accountId == null) {
                    throw new IllegalStateException("Private stream without an account: " + name);
                }
                yield Route.direct(name + "#" + accountId);
            }
        };
    }
}
