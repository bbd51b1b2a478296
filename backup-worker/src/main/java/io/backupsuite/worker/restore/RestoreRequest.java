package io.backupsuite.worker.restore;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * An operator's restore order: one object, to exactly one target.
 *
 * @param objectKey key of the object to restore
 * @param version version of the key's content to restore (the current one when absent)
 * @param sha256 content hash the restored bytes must have (checked against the catalog when given)
 * @param targetUrl {@code http(s)} URL on an allow-listed host to PUT the bytes to
 * @param targetPath path relative to the configured restore root to write the bytes to
 * @param overwrite whether an existing file at {@code targetPath} may be replaced (default: no)
 */
record RestoreRequest(
        @NotBlank @Size(max = 1024) String objectKey,
        @Nullable @Min(1) Long version,
        @Nullable @Pattern(regexp = "[0-9a-fA-F]{64}") String sha256,
        @Nullable @Size(min = 1, max = 2048) String targetUrl,
        @Nullable @Size(min = 1, max = 4096) String targetPath,
        @Nullable Boolean overwrite) {

    @AssertTrue(message = "exactly one of targetUrl and targetPath is required")
    boolean isOneTarget() {
        return (targetUrl == null) != (targetPath == null);
    }

    boolean mayOverwrite() {
        return Boolean.TRUE.equals(overwrite);
    }
}
