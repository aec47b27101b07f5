/**
 * The deterministic matching engine: {@link exchange.common.engine.Command}s in,
 * {@link exchange.common.engine.EngineEvent}s out, {@link exchange.common.engine.EngineState} for
 * rebuilding. Single-threaded by design: one thread owns a {@link exchange.common.engine.MatchingEngine};
 * commands, events and snapshots are immutable and may be shared freely. See docs/ENGINE.md.
 */
package exchange.common.engine;
