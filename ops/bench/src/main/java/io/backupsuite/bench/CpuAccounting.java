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
    private final Map<String, Long> startTicks = new LinkedHashMap<>();

    CpuAccounting(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    void start() {
        startTicks.clear();
        parts.forEach(p -> startTicks.put(p.name(), ticks(p.pid())));
        startTicks.put("bench", ticks(ProcessHandle.current().pid()));
    }

    /** One line: CPU milliseconds per unit of work of every part and in total. */
    String perUnit(long units, String unit) {
        StringBuilder line = new StringBuilder("cpu ms per " + unit + ":");
        double total = 0;
        for (Map.Entry<String, Long> e : startTicks.entrySet()) {
            long pid = e.getKey().equals("bench") ? ProcessHandle.current().pid() : pidOf(e.getKey());
            double ms = (ticks(pid) - e.getValue()) * 1000.0 / TICKS_PER_SECOND / Math.max(1, units);
            total += ms;
            line.append(String.format(" %s=%.2f", e.getKey(), ms));
        }
        return line.append(String.format(" total=%.2f", total)).toString();
    }

    private long pidOf(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().pid();
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended or is restarting: counted as nothing
        }
    }
}
