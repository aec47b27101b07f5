package exchange.router.system;

/**
 * Backpack's error body, {@code {"code": "...", "message": "..."}}; {@code code} is one of the spec's
 * {@code ApiErrorCode} values.
 */
public record ApiError(String code, String message) {
}
