package io.backupsuite.worker.replication;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.worker.store.BlobStore;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Node to node: the bytes of blobs this worker holds, for a standby that must hold them before it answers ready. */
@RestController
class BlobController {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final BlobStore store;

    BlobController(BlobStore store) {
        this.store = store;
    }

    @GetMapping("/internal/v1/blobs/{sha256}")
    ResponseEntity<Resource> blob(@PathVariable String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw ApiException.badRequest("invalid-sha256", "The blob name must be 64 lowercase hex characters.");
        }
        var path = store.path(sha256).orElseThrow(() -> ApiException.notFound("blob-not-held", "This node does not hold that blob."));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(new FileSystemResource(path));
    }

    /** Many small blobs in one answer ({@link BlobBatch}); the body names them, one SHA-256 per line. */
    @PostMapping(path = "/internal/v1/blobs/batch", consumes = MediaType.TEXT_PLAIN_VALUE, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] blobs(@RequestBody String body) throws IOException {
        List<String> names = body.lines().filter(l -> !l.isBlank()).toList();
        if (names.isEmpty() || names.size() > BlobBatch.MAX_NAMES) {
            throw ApiException.badRequest("invalid-blob-batch", "Name between 1 and " + BlobBatch.MAX_NAMES + " blobs, one per line.");
        }
        for (String name : names) {
            if (!SHA256.matcher(name).matches()) {
                throw ApiException.badRequest("invalid-sha256", "Each blob name must be 64 lowercase hex characters.");
            }
        }
        return BlobBatch.answer(store, names);
    }
}
