package exchange.router.engine;

/** Whether this replica currently runs the engine; work that only the leader should do checks it. */
public interface EngineLeadership {

    boolean isLeading();
}
