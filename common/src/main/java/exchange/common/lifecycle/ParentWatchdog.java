package exchange.common.lifecycle;

import java.util.Optional;

/**
 * Ends this JVM when a named parent process dies, so that a launcher killed with {@code kill -9} leaves no
 * orphaned app behind. The local stack sets {@value #ENVIRONMENT_VARIABLE} for the apps it starts.
 *
 * <p>Side effect: may call {@link System#exit(int)} (which runs shutdown hooks, so Spring still shuts down
 * gracefully) from a JDK-managed thread. Thread-safe; call once at start-up.
 */
public final class ParentWatchdog {

    /** Holds the parent's process id. */
    public static final String ENVIRONMENT_VARIABLE = "EXCHANGE_PARENT_PID";

    private static final System.Logger LOG = System.getLogger(ParentWatchdog.class.getName());

    private ParentWatchdog() {
    }

    /**
     * Watches the process named by {@value #ENVIRONMENT_VARIABLE}, if set; does nothing otherwise.
     *
     * @throws NumberFormatException if the variable is set but not a process id
     */
    public static void installFromEnvironment() {
        String pid = System.getenv(ENVIRONMENT_VARIABLE);
        if (pid == null || pid.isBlank()) {
            return;
        }
        long parentPid = Long.parseLong(pid.trim());
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "Parent process {0} is already gone; exiting", parentPid);
            System.exit(0);
            return;
        }
        parent.get().onExit().thenRun(() -> {
            LOG.log(System.Logger.Level.WARNING, "Parent process {0} exited; shutting down", parentPid);
            System.exit(0);
        });
    }
}
