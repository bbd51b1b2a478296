package io.backupsuite.bench;

import io.backupsuite.localstack.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time (user + system) each part of the stack spends during a measured phase, read from
 * {@code /proc/<pid>/stat}. CPU per file is less sensitive to a busy machine than wall time, and
 * says which process to make cheaper.
 */
final class CpuAccounting {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private final List<Part> parts;
    /** Per part: {user, system} ticks at the start of the phase. */
    private final Map<String, long[]> startTicks = new LinkedHashMap<>();

    CpuAccounting(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    void start() {
        startTicks.clear();
        parts.forEach(p -> startTicks.put(p.name(), ticks(p.pid())));
        startTicks.put("bench", ticks(ProcessHandle.current().pid()));
    }

    /**
     * Two lines: CPU milliseconds (user + system) per unit of work of every part and in total; then the part of
     * it spent in the kernel (system calls: fsync, file and socket I/O), which says whether fewer calls or less
     * Java work would make a part cheaper.
     */
    String perUnit(long units, String unit) {
        StringBuilder line = new StringBuilder("cpu ms per " + unit + ":");
        StringBuilder kernel = new StringBuilder("  of which in the kernel:");
        double total = 0;
        double totalKernel = 0;
        for (Map.Entry<String, long[]> e : startTicks.entrySet()) {
            long pid = e.getKey().equals("bench") ? ProcessHandle.current().pid() : pidOf(e.getKey());
            long[] now = ticks(pid);
            double user = (now[0] - e.getValue()[0]) * 1000.0 / TICKS_PER_SECOND / Math.max(1, units);
            double system = (now[1] - e.getValue()[1]) * 1000.0 / TICKS_PER_SECOND / Math.max(1, units);
            total += user + system;
            totalKernel += system;
            line.append(String.format(" %s=%.2f", e.getKey(), user + system));
            kernel.append(String.format(" %s=%.2f", e.getKey(), system));
        }
        line.append(String.format(" total=%.2f", total));
        kernel.append(String.format(" total=%.2f", totalKernel));
        return line + System.lineSeparator() + kernel;
    }

    private long pidOf(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().pid();
    }

    /** {user, system} ticks of a process. */
    private static long[] ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])}; // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return new long[2]; // the process ended or is restarting: counted as nothing
        }
    }
}
