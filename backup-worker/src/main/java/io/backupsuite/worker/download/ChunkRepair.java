package io.backupsuite.worker.download;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mends a chunked transfer whose chunks all passed their checks but whose whole-file SHA-256 is
 * wrong (a replica that sends no Content-Digest served a bad byte). Without digests the bad chunk
 * cannot be pointed at, so the chunks each replica served are fetched again from another replica,
 * in order; a chunk whose CRC changes was bad, and after each such change the whole file is hashed
 * again (from the page cache): it stops as soon as the hash is right. For one bad byte that costs
 * the chunks up to the bad one, not the file. If no other replica can mend it, the attempt fails
 * with the checksum mismatch and nothing is committed.
 */
final class ChunkRepair {

    private final ChunkFetch chunks;
    private final DownloadMetrics metrics;
    private final int bufferSize;

    ChunkRepair(ChunkFetch chunks, DownloadMetrics metrics, int bufferSize) {
        this.chunks = chunks;
        this.metrics = metrics;
        this.bufferSize = bufferSize;
    }

    RangedTransfer.Outcome repair(DownloadRequest request, StagedObject staged, ChunkSchedule schedule, Failover failover,
            String actual, AtomicLong received) throws DownloadException {
        byte[] buffer = new byte[bufferSize];
        int replaced = 0;
        Map<String, List<Integer>> suspects = bySource(staged, schedule);
        repairing:
        for (Map.Entry<String, List<Integer>> suspect : suspects.entrySet()) {
            String source = suspect.getKey();
            for (int chunk : suspect.getValue()) {
                List<String> others = schedule.othersThan(source);
                if (others.isEmpty()) {
                    break;
                }
                int before = staged.crc(chunk);
                staged.unseal(chunk);
                String other = others.get(0);
                ChunkFetch.Result result;
                try {
                    result = chunks.fetch(other, request, staged, chunk, buffer, received);
                } catch (DownloadException e) {
                    if (e.kind() == ErrorKind.STORAGE || e.kind() == ErrorKind.INTERNAL) {
                        throw e;
                    }
                    failover.record(e);
                    break repairing; // the chunk is gone: the hash cannot be right now
                }
                if (!(result instanceof ChunkFetch.Sealed)) {
                    if (result instanceof ChunkFetch.Whole whole) {
                        whole.body().abort();
                        whole.body().close();
                    }
                    break repairing;
                }
                failover.served(other, ((ChunkFetch.Sealed) result).from(), ((ChunkFetch.Sealed) result).to());
                if (staged.crc(chunk) != before) {
                    replaced++;
                    metrics.repaired(1);
                    actual = OrderedHasher.now(staged, bufferSize);
                    if (actual.equals(request.sha256())) {
                        schedule.takeOut(source);
                        failover.note("the whole-file SHA-256 was wrong; chunk " + chunk + " from " + source
                                + " differed from " + other + " and was replaced (" + replaced + " replaced)");
                        return new RangedTransfer.Verified();
                    }
                }
            }
        }
        throw DownloadException.checksumMismatch(String.join(", ", suspects.keySet()), request.sha256(), actual, request.size());
    }

    /** The verified chunks grouped by the replica that served them, the replica with most chunks first. */
    private static Map<String, List<Integer>> bySource(StagedObject staged, ChunkSchedule schedule) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < staged.chunkCount(); i++) {
            String source = schedule.servedBy(i);
            groups.computeIfAbsent(source == null ? "(an earlier attempt)" : source, s -> new ArrayList<>()).add(i);
        }
        List<Map.Entry<String, List<Integer>>> entries = new ArrayList<>(groups.entrySet());
        entries.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        Map<String, List<Integer>> sorted = new LinkedHashMap<>();
        entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
