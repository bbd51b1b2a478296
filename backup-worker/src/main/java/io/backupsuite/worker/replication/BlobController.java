package io.backupsuite.worker.replication;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.worker.store.BlobStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Node to node: the bytes of a blob this worker holds, for a member that must hold it before it answers ready. Small
 * blobs go in batches over the replication socket instead ({@link BlobBatch}); this serves the large ones. The receiver
 * checks size and SHA-256, so the file goes out as it is on disk: handed to the server's sendfile where it offers one
 * (Tomcat's NIO connector), otherwise copied in 256 KiB buffers, not the 8 KiB of Spring's resource handling (serving
 * a 1 GiB blob that way cost the holder about 2 CPU seconds).
 */
@RestController
class BlobController {

    private static final String SENDFILE_SUPPORTED = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_NAME = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
    private static final int COPY_BUFFER = 256 << 10;

    private final BlobStore store;

    BlobController(BlobStore store) {
        this.store = store;
    }

    @GetMapping("/internal/v1/blobs/{sha256}")
    void blob(@PathVariable String sha256, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!BlobStore.isName(sha256)) {
            throw ApiException.badRequest("invalid-sha256", "The blob name must be 64 lowercase hex characters.");
        }
        Path path = store.path(sha256).orElseThrow(() -> ApiException.notFound("blob-not-held", "This node does not hold that blob."));
        long size = Files.size(path);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.setContentLengthLong(size);
        if (Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED)) && size > 0) {
            request.setAttribute(SENDFILE_NAME, path.toAbsolutePath().toString());
            request.setAttribute(SENDFILE_START, 0L);
            request.setAttribute(SENDFILE_END, size);
            return;
        }
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, size))];
        try (InputStream in = Files.newInputStream(path); OutputStream out = response.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        }
    }
}
