package exchange.common.book;

/** How long an order stays active, as Backpack names it. */
public enum TimeInForce {
    /** Good till cancelled: the unfilled rest of a limit order rests on the book. */
    GTC,
    /** Immediate or cancel: fills what it can now, the rest expires. */
    IOC,
    /** Fill or kill: fills completely now, or expires without any fill. */
    FOK
}
