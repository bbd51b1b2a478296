package io.backupsuite.common.wire;

import java.util.List;
import java.util.Map;

/**
 * What an upload service tells us about a newly stored file. Fields are boxed so that a missing
 * field can be told apart from a zero; validation happens at intake, not here.
 *
 * @param objectKey the upload service's key of the object
 * @param size the object's size in bytes
 * @param sha256 lowercase or uppercase hex SHA-256 of the content
 * @param sources URLs where replicas of the content can be read
 * @param attributes optional free-form metadata kept with the task
 */
public record UploadNotification(
        String objectKey, Long size, String sha256, List<String> sources, Map<String, Object> attributes) {

    public UploadNotification {
        sources = sources == null ? null : List.copyOf(sources.stream().filter(s -> s != null).toList());
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
