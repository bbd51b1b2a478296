package io.backupsuite.worker.download;

import java.util.List;

/**
 * What to fetch and how to recognise it.
 *
 * @param objectKey key of the object, for messages only (never a path)
 * @param size expected size in bytes
 * @param sha256 expected SHA-256, lowercase hex
 * @param sources replica URLs in the order to try them
 */
public record DownloadRequest(String objectKey, long size, String sha256, List<String> sources) {

    public DownloadRequest {
        sources = List.copyOf(sources);
    }
}
