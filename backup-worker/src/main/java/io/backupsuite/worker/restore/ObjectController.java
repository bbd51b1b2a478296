package io.backupsuite.worker.restore;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.catalog.CatalogEntry;
import io.backupsuite.worker.store.BlobContent;
import io.backupsuite.worker.store.BlobStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The restore API: an object's catalog entry and its content. Content is streamed from the blob
 * file (or sent from memory for a small blob read from its pack); Spring MVC answers {@code Range}
 * with 206 and {@code If-None-Match} with 304 from the ETag, which is the quoted SHA-256.
 */
@RestController
@RequestMapping("/api/v1/objects")
class ObjectController {

    private static final Logger log = LoggerFactory.getLogger(ObjectController.class);

    private final Catalog catalog;
    private final BlobStore store;

    ObjectController(Catalog catalog, BlobStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    @GetMapping
    ObjectView entry(@RequestParam(name = "key", required = false) String key) {
        return ObjectView.of(find(key));
    }

    @GetMapping("/content")
    ResponseEntity<Resource> content(@RequestParam(name = "key", required = false) String key) {
        CatalogEntry entry = find(key);
        BlobContent blob;
        try {
            blob = store.content(entry.sha256())
                    .orElseThrow(() -> ApiException.unavailable(
                            "blob-not-held", "This node does not hold the content of the object; ask another node of the group."));
        } catch (IOException e) {
            log.error("Cannot read the content of {} ({})", entry.objectKey(), entry.sha256(), e);
            throw ApiException.unavailable("blob-unreadable", "This node's copy of the content cannot be read; ask another node of the group.");
        }
        return ResponseEntity.ok()
                .eTag("\"" + entry.sha256() + "\"")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(blob.resource());
    }

    private CatalogEntry find(String key) {
        if (key == null || key.isBlank()) {
            throw ApiException.badRequest("missing-key", "The query parameter 'key' is required.");
        }
        return catalog.get(key).orElseThrow(() -> ApiException.notFound("object-not-found", "No backup of this object key."));
    }
}
