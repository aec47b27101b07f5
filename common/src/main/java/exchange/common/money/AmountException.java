package exchange.common.money;

/**
 * Thrown by {@link FixedPoint} when a decimal string cannot be converted exactly. Carries the
 * {@link AmountError reason} so that the edge (REST layer) can map it to an error code; never
 * thrown on the engine's hot path, which works on longs only.
 */
public final class AmountException extends IllegalArgumentException {

    private final AmountError reason;

    /**
     * @param reason why the text was rejected
     * @param text the offending text, quoted in the message
     */
    public AmountException(AmountError reason, String text) {
        super(reason + ": '" + text + "'");
        this.reason = reason;
    }

    /** @return why the text was rejected */
    public AmountError reason() {
        return reason;
    }
}
