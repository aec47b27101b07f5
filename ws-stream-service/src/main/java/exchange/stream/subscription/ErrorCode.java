package exchange.stream.subscription;

/** The {@code error.code} values of error frames; the connection stays open after each. */
enum ErrorCode {
    INVALID_FRAME(4000),
    UNKNOWN_METHOD(4001),
    INVALID_PARAMS(4002),
    UNKNOWN_STREAM(4003),
    TOO_MANY_SUBSCRIPTIONS(4004),
    RATE_LIMITED(4005),
    INVALID_SIGNATURE(4006),
    EXPIRED_SIGNATURE(4007),
    UNAVAILABLE(4008),
    ACCOUNT_MISMATCH(4009);

    final int code;

    ErrorCode(int code) {
        this.code = code;
    }
}
