package io.backupsuite.common.wire;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes wire records as JSON bytes. Kafka carries plain bytes and every service
 * decodes with this class, so a poison message becomes a {@link MalformedMessageException} that
 * the listener can route aside instead of a deserializer loop.
 */
public final class WireCodec {

    private final JsonMapper mapper;

    public WireCodec() {
        this(JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build());
    }

    public WireCodec(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] encode(Object message) {
        return mapper.writeValueAsBytes(message);
    }

    public <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new MalformedMessageException("empty message");
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new MalformedMessageException("message is JSON null");
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedMessageException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage());
        }
    }

    /** A message on a topic that cannot be read as the type the topic carries. */
    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(message);
        }
    }
}
