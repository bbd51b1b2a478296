package io.backupsuite.dispatcher.queue;

import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.common.wire.TaskProgress.ServedRange;
import io.backupsuite.common.wire.UploadNotification;
import io.backupsuite.common.wire.WireCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Turns the replies of {@code read.lua} into {@link TaskView}s. */
final class TaskViews {

    private static final WireCodec CODEC = new WireCodec();

    private TaskViews() {}

    @SuppressWarnings("unchecked")
    static List<TaskView> parse(List<Object> reply) {
        List<TaskView> views = new ArrayList<>(reply.size());
        for (Object item : reply) {
            List<Object> parts = (List<Object>) item;
            List<Object> flat = (List<Object>) parts.get(1);
            Map<String, String> h = new HashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                h.put((String) flat.get(i), (String) flat.get(i + 1));
            }
            List<String> errors = ((List<Object>) parts.get(2)).stream().map(String.class::cast).toList();
            views.add(view((String) parts.get(0), h, errors));
        }
        return views;
    }

    private static TaskView view(String id, Map<String, String> h, List<String> errors) {
        String notification = h.getOrDefault("notification", "{}");
        Identity identity = identity(h, notification);
        long createdAt = number(h, "createdAt");
        // the hot path writes no updatedAt when the task is created or finished: createdAt and
        // doneAt are the times of those changes
        long updatedAt = Math.max(createdAt, Math.max(number(h, "updatedAt"), number(h, "doneAt")));
        TaskView.Progress progress = h.containsKey("bytesDone")
                ? new TaskView.Progress(
                        number(h, "bytesDone"), number(h, "totalBytes"), h.getOrDefault("source", ""), h.getOrDefault("workerId", ""),
                        (int) number(h, "chunksVerified"), decodeRanges(h.get("ranges")))
                : null;
        return new TaskView(
                id,
                identity.objectKey(),
                identity.sha256(),
                identity.size(),
                TaskStatus.valueOf(h.getOrDefault("status", "PENDING")),
                (int) number(h, "attempts"),
                (int) number(h, "unstarted"),
                h.get("lastError"),
                errors,
                progress,
                createdAt,
                updatedAt,
                h.containsKey("doneAt") ? number(h, "doneAt") : null,
                notification);
    }

    /** What the task is about; tasks created before the hash slimmed down store it in fields. */
    private static Identity identity(Map<String, String> h, String notification) {
        if (h.containsKey("objectKey")) {
            return new Identity(h.get("objectKey"), h.getOrDefault("sha256", ""), number(h, "size"));
        }
        try {
            UploadNotification n = CODEC.decode(notification.getBytes(StandardCharsets.UTF_8), UploadNotification.class);
            return new Identity(
                    Objects.requireNonNullElse(n.objectKey(), ""),
                    Objects.requireNonNullElse(n.sha256(), ""),
                    Objects.requireNonNullElse(n.size(), 0L));
        } catch (WireCodec.MalformedMessageException e) {
            return new Identity("", "", 0); // not written by enqueue.lua: nothing better to show
        }
    }

    /** The served ranges as stored on the task hash: JSON {"ranges":[{source,from,to}...]}, empty when there are none. */
    static String encodeRanges(List<ServedRange> ranges) {
        return ranges.isEmpty() ? "" : new String(CODEC.encode(new Ranges(ranges)), StandardCharsets.UTF_8);
    }

    private static List<ServedRange> decodeRanges(String stored) {
        if (stored == null || stored.isEmpty()) {
            return List.of();
        }
        try {
            Ranges ranges = CODEC.decode(stored.getBytes(StandardCharsets.UTF_8), Ranges.class);
            return TaskProgress.bounded(ranges.ranges());
        } catch (WireCodec.MalformedMessageException e) {
            return List.of(); // written by something else: show no history rather than fail the read
        }
    }

    /** The stored form of the ranges. */
    record Ranges(List<ServedRange> ranges) {}

    private record Identity(String objectKey, String sha256, long size) {}

    private static long number(Map<String, String> h, String field) {
        String value = h.get(field);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }
}
