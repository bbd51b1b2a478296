package io.backupsuite.dispatcher.intake;

import io.backupsuite.common.web.ProblemAdvice.FieldProblem;
import io.backupsuite.common.wire.UploadNotification;
import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.dispatcher.DispatcherProperties;
import io.backupsuite.dispatcher.queue.NewTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an upload notification as parsed JSON, field by field, so that wrong types get the same
 * precise message as wrong values, and turns a valid one into a normalised {@link NewTask}. REST
 * (single and batch) and the Kafka intake share it.
 */
@Component
final class NotificationValidator {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final DispatcherProperties properties;
    private final SourcePolicy sources;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final WireCodec codec = new WireCodec();

    NotificationValidator(DispatcherProperties properties) {
        this.properties = properties;
        this.sources = new SourcePolicy(properties.allowedSourceHosts());
    }

    /**
     * Validates one notification; problems are added under {@code prefix} (e.g. {@code
     * notifications[3].}). Returns the task, or {@code null} when anything was wrong.
     */
    @Nullable NewTask validate(@Nullable JsonNode node, String prefix, List<FieldProblem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(new FieldProblem(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object"));
            return null;
        }
        int before = problems.size();
        String key = objectKey(node.get("objectKey"), prefix + "objectKey", problems);
        Long size = size(node.get("size"), prefix + "size", problems);
        String sha256 = sha256(node.get("sha256"), prefix + "sha256", problems);
        List<String> urls = sources(node.get("sources"), prefix + "sources", problems);
        JsonNode attributes = node.get("attributes");
        if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
            problems.add(new FieldProblem(prefix + "attributes", "must be a JSON object"));
        }
        if (problems.size() > before) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> attrs = attributes == null || attributes.isNull() ? Map.of() : mapper.treeToValue(attributes, Map.class);
        UploadNotification normalised = new UploadNotification(key, size, sha256, urls, attrs);
        return new NewTask(key, sha256, size, new String(codec.encode(normalised), StandardCharsets.UTF_8));
    }

    private @Nullable String objectKey(@Nullable JsonNode value, String field, List<FieldProblem> problems) {
        String key = text(value, field, problems);
        if (key == null) {
            return null;
        }
        if (key.isEmpty()) {
            return fail(problems, field, "must not be empty");
        }
        if (key.length() > properties.maxKeyLength()) {
            return fail(problems, field, "must be at most " + properties.maxKeyLength() + " characters");
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            return fail(problems, field, "must not contain control characters");
        }
        return key;
    }

    private @Nullable Long size(@Nullable JsonNode value, String field, List<FieldProblem> problems) {
        if (value == null || value.isNull()) {
            return fail(problems, field, "is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            return fail(problems, field, "must be an integer number of bytes");
        }
        long size = value.longValue();
        if (size < 0) {
            return fail(problems, field, "must not be negative");
        }
        if (size > properties.maxObjectSize().toBytes()) {
            return fail(problems, field, "must be at most " + properties.maxObjectSize().toBytes() + " bytes");
        }
        return size;
    }

    private @Nullable String sha256(@Nullable JsonNode value, String field, List<FieldProblem> problems) {
        String sha = text(value, field, problems);
        if (sha == null) {
            return null;
        }
        if (!SHA256.matcher(sha).matches()) {
            return fail(problems, field, "must be exactly 64 hexadecimal characters");
        }
        return sha.toLowerCase(Locale.ROOT);
    }

    private @Nullable List<String> sources(@Nullable JsonNode value, String field, List<FieldProblem> problems) {
        if (value == null || value.isNull()) {
            return fail(problems, field, "is required");
        }
        if (!value.isArray()) {
            return fail(problems, field, "must be an array of URLs");
        }
        if (value.isEmpty()) {
            return fail(problems, field, "must list at least one source");
        }
        if (value.size() > properties.maxSources()) {
            return fail(problems, field, "must list at most " + properties.maxSources() + " sources");
        }
        List<String> urls = new ArrayList<>(value.size());
        int before = problems.size();
        for (int i = 0; i < value.size(); i++) {
            String item = field + "[" + i + "]";
            String url = text(value.get(i), item, problems);
            if (url != null) {
                String refusal = sources.refusal(url);
                if (refusal != null) {
                    problems.add(new FieldProblem(item, refusal));
                } else {
                    urls.add(url);
                }
            }
        }
        return problems.size() > before ? null : urls;
    }

    private static @Nullable String text(@Nullable JsonNode value, String field, List<FieldProblem> problems) {
        if (value == null || value.isNull()) {
            return fail(problems, field, "is required");
        }
        if (!value.isString()) {
            return fail(problems, field, "must be a string");
        }
        return value.asString();
    }

    private static <T> @Nullable T fail(List<FieldProblem> problems, String field, String message) {
        problems.add(new FieldProblem(field, message));
        return null;
    }
}
