package io.backupsuite.bench;

import io.backupsuite.localstack.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Samples the resident set size of some processes twice a second and keeps each one's maximum. */
final class RssSampler {

    private final List<Part> parts;
    private final Map<String, Long> maxKb = new ConcurrentHashMap<>();
    private volatile Thread thread;

    RssSampler(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    void start() {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                parts.forEach(p -> maxKb.merge(p.name(), rssKb(p.pid()), Math::max));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        thread.interrupt();
    }

    long maxMb(Part part) {
        return maxKb.getOrDefault(part.name(), 0L) / 1024;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process may just be restarting; this sample is skipped
        }
        return 0;
    }
}
