package exchange.stream.auth;

/** Outcome of checking a subscribe frame's {@code signature}. */
public sealed interface AuthResult {

    /** The signature is valid for an active key of {@code accountId}. */
    record Authenticated(long accountId) implements AuthResult {
    }

    /** Refused; {@code reason} says why (never which part of a valid-looking key was wrong beyond that). */
    record Rejected(Reason reason, String message) implements AuthResult {
    }

    enum Reason {
        /** Missing or malformed signature array, or its values. */
        MALFORMED,
        /** Timestamp outside the window, or window above the maximum. */
        EXPIRED,
        /** Unknown or revoked key, or a signature that does not verify. */
        INVALID,
        /** PostgreSQL could not be asked. */
        UNAVAILABLE
    }
}
