package exchange.common.book;

/** Order side, named as Backpack names it: a Bid buys the base asset, an Ask sells it. */
public enum Side {
    /** Buys base, pays quote. */
    Bid,
    /** Sells base, receives quote. */
    Ask;

    /** @return the side this side trades against */
    public Side opposite() {
        return this == Bid ? Ask : Bid;
    }
}
