package exchange.common.book;

/** What happens when a taker would match a resting order of its own account (the taker's mode decides). */
public enum SelfTradePrevention {
    /** The taker's remaining quantity expires; the resting order stays. Backpack's default. */
    RejectTaker,
    /** The resting order is cancelled and matching continues. */
    RejectMaker,
    /** The resting order is cancelled and the taker's remaining quantity expires. */
    RejectBoth
}
