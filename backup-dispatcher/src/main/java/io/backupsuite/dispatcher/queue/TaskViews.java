package io.backupsuite.dispatcher.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the replies of {@code read.lua} into {@link TaskView}s. */
final class TaskViews {

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
        TaskView.Progress progress = h.containsKey("bytesDone")
                ? new TaskView.Progress(
                        number(h, "bytesDone"), number(h, "totalBytes"), h.getOrDefault("source", ""), h.getOrDefault("workerId", ""))
                : null;
        return new TaskView(
                id,
                h.getOrDefault("objectKey", ""),
                h.getOrDefault("sha256", ""),
                number(h, "size"),
                TaskStatus.valueOf(h.getOrDefault("status", "PENDING")),
                (int) number(h, "attempts"),
                h.get("lastError"),
                errors,
                progress,
                number(h, "createdAt"),
                number(h, "updatedAt"),
                h.containsKey("doneAt") ? number(h, "doneAt") : null,
                h.getOrDefault("notification", "{}"));
    }

    private static long number(Map<String, String> h, String field) {
        String value = h.get(field);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }
}
