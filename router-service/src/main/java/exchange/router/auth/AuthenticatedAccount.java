package exchange.router.auth;

/**
 * The account a signed request acts for, established by {@link SignedRequestFilter}. Controllers declare a
 * parameter of this type to receive it.
 */
public record AuthenticatedAccount(long accountId, String apiKey) {

    static final String ATTRIBUTE = AuthenticatedAccount.class.getName();
}
