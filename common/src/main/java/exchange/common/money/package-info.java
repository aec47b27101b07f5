/**
 * Exact fixed-point money: decimal strings at the edge, {@code long} units inside. Nothing here rounds;
 * everything is stateless and thread-safe.
 */
package exchange.common.money;
