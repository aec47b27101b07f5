package exchange.loadgen;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time and resident memory of the stack's processes, from {@code /proc} (Linux only). A process counts with
 * all its descendants (PostgreSQL runs one backend per connection), and a process's CPU includes its waited-for
 * children that already exited ({@code cutime}, {@code cstime}), so CPU seconds used during a run are the
 * difference of two samples even if backends come and go. RSS is summed over the tree too, which counts
 * PostgreSQL's shared buffers once per backend that touched them: read it as an upper bound.
 */
final class ProcessStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat}; 100 on every mainstream Linux (USER_HZ). */
    static final long TICKS_PER_SECOND = 100;

    /**
     * @param cpuTicks user + system time of the tree including reaped children, in clock ticks
     * @param rssKb    resident set size of the tree
     */
    record Sample(long pid, boolean alive, long cpuTicks, long rssKb, int processes) {
    }

    private ProcessStats() {
    }

    static Sample sample(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return new Sample(pid, false, 0, 0, 0);
        }
        List<Long> tree = new ArrayList<>();
        tree.add(pid);
        handle.get().descendants().forEach(child -> tree.add(child.pid()));
        long ticks = 0;
        long rss = 0;
        int count = 0;
        for (long each : tree) {
            try {
                ticks += cpuTicks(Files.readString(Path.of("/proc/" + each + "/stat")));
                rss += rssKb(Files.readString(Path.of("/proc/" + each + "/status")));
                count++;
            } catch (IOException | RuntimeException gone) {
                // exited between listing and reading: its time is now in its parent's cutime
            }
        }
        return new Sample(pid, count > 0, ticks, rss, count);
    }

    /** utime + stime + cutime + cstime from a {@code /proc/<pid>/stat} line (fields 14-17). */
    static long cpuTicks(String statLine) {
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** {@code VmRSS} in kB from {@code /proc/<pid>/status}; 0 if absent (kernel threads, zombies). */
    static long rssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    /**
     * System-wide TCP counters that explain connection-level stalls: {@code ListenOverflows} and
     * {@code ListenDrops} (a server's accept queue was full, so the SYN or handshake ACK was dropped and the
     * client retries after 1 s, 3 s, ...) and {@code TCPSynRetrans}. Empty if {@code /proc/net/netstat} is absent.
     */
    static Map<String, Long> tcpCounters() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    out.putAll(tcpCounters(lines.get(i), lines.get(i + 1)));
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return out;
    }

    static Map<String, Long> tcpCounters(String names, String values) {
        String[] k = names.trim().split("\\s+");
        String[] v = values.trim().split("\\s+");
        Map<String, Long> out = new LinkedHashMap<>();
        for (String wanted : List.of("ListenOverflows", "ListenDrops", "TCPSynRetrans")) {
            for (int i = 1; i < Math.min(k.length, v.length); i++) {
                if (k[i].equals(wanted)) {
                    out.put(wanted, Long.parseLong(v[i]));
                }
            }
        }
        return out;
    }

    /**
     * The processes listening on the given TCP ports, by name, from {@code /proc/net/tcp[6]} and the socket
     * inodes in {@code /proc/<pid>/fd}. Ports nobody listens on (or whose process this user may not inspect)
     * are left out.
     */
    static Map<String, Long> listeners(Map<String, Integer> ports) {
        Map<Long, Integer> inodeToPort = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 10 || !f[3].equals("0A")) {
                        continue;
                    }
                    int port = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    if (ports.containsValue(port)) {
                        inodeToPort.put(Long.parseLong(f[9]), port);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no IPv6 table, or not Linux
            }
        }
        Map<Integer, Long> portToPid = new HashMap<>();
        if (!inodeToPort.isEmpty()) {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    scanFds(proc, inodeToPort, portToPid);
                }
            } catch (IOException e) {
                // not Linux
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        ports.forEach((name, port) -> {
            Long pid = portToPid.get(port);
            if (pid != null && !out.containsValue(pid)) {
                out.put(name, pid);
            }
        });
        return out;
    }

    private static void scanFds(Path proc, Map<Long, Integer> inodeToPort, Map<Integer, Long> portToPid) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    Integer port = inodeToPort.get(Long.parseLong(target.substring(8, target.length() - 1)));
                    if (port != null) {
                        // The lowest pid holding the socket: the parent, if children inherited it.
                        portToPid.merge(port, Long.parseLong(proc.getFileName().toString()), Math::min);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not ours to inspect
        }
    }
}
