/** Small allocation-free collections for the engine's hot path. Not thread-safe. */
package exchange.common.collect;
