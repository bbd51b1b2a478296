package io.backupsuite.bench;

import io.backupsuite.worker.download.DownloadException;
import io.backupsuite.worker.download.DownloadProperties;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ProgressListener;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.util.unit.DataSize;

/**
 * Resume saves work: the worker's downloader fetches a file from nginx through a loopback proxy that
 * drops every connection once half of the file has passed; the attempt fails, the next attempt
 * resumes from what was staged (verified chunks and the CRC-checked part of the chunks that were
 * cut). Three times, each on its own object. Bytes re-fetched = body bytes received by the worker
 * over both attempts minus the file's size. Last line: {@code refetched_bytes=… refetched_chunks=…}.
 */
public final class ResumeBenchmark {

    public static void main(String[] argv) throws Exception {
        String url = null;
        String sha256 = null;
        long size = -1;
        int parallelism = DownloadProperties.defaults().parallelism();
        int trials = 3;
        Path dir = Path.of("ops/bench/target/resume-bench");
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--url" -> url = argv[i + 1];
                case "--size" -> size = Long.parseLong(argv[i + 1]);
                case "--sha256" -> sha256 = argv[i + 1];
                case "--parallelism" -> parallelism = Integer.parseInt(argv[i + 1]);
                case "--trials" -> trials = Integer.parseInt(argv[i + 1]);
                case "--dir" -> dir = Path.of(argv[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        if (url == null || sha256 == null || size < 0) {
            throw new IllegalArgumentException("need --url, --size and --sha256");
        }
        URI origin = URI.create(url);
        var properties = DownloadBenchmark.workerDefaults(Files.createDirectories(dir.toAbsolutePath()).resolve("worker"));
        long chunk = properties.chunkSize().toBytes();
        long total = 0;
        try (CuttingProxy proxy = new CuttingProxy(origin.getHost(), origin.getPort())) {
            String viaProxy = "http://127.0.0.1:" + proxy.port() + origin.getRawPath();
            for (int t = 1; t <= trials; t++) {
                var registry = new SimpleMeterRegistry();
                BlobStore store = new BlobStore(properties.dataDir(), registry);
                var download = new DownloadProperties(DataSize.ofMegabytes(64), parallelism);
                var request = new DownloadRequest("bench/resume-" + t + "-" + System.nanoTime(), size, sha256, List.of(viaProxy));
                try (Downloader downloader = Downloader.http(properties, download, store, registry)) {
                    proxy.cutAfter(size / 2);
                    try (StagedBlob blob = downloader.download(request, ProgressListener.NONE)) {
                        throw new IllegalStateException("the cut did not fail the first attempt");
                    } catch (DownloadException expected) {
                        // cut at 50 %: the staged chunks stay for the next attempt
                    }
                    try (StagedBlob blob = downloader.download(request, ProgressListener.NONE)) {
                        blob.commit();
                    }
                }
                long received = (long) registry.get("backup.worker.download.bytes").counter().count();
                long refetched = received - size;
                total += refetched;
                System.out.printf("trial %d: cut at %d MiB of %d MiB with %d connections; received %d bytes in all,"
                                + " re-fetched %d bytes = %.2f chunks of %d MiB; load %s%n",
                        t, (size / 2) >> 20, size >> 20, parallelism, received, refetched, refetched / (double) chunk,
                        chunk >> 20, DownloadBenchmark.load());
                Files.delete(store.path(sha256).orElseThrow());
            }
        }
        System.out.printf("refetched_bytes=%d refetched_chunks=%.2f (target: at most %d chunks in %d cuts)%n",
                total, total / (double) chunk, trials, trials);
    }

    /**
     * A TCP proxy on loopback that, once armed, drops every connection as soon as the bytes it has
     * passed from the server reach the mark (response headers included: a few hundred bytes).
     */
    static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final String host;
        private final int port;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final AtomicLong passed = new AtomicLong();
        private volatile long cutAt = Long.MAX_VALUE;

        CuttingProxy(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "cutting-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        /** Drops every connection once {@code bytes} more have passed from the server; once. */
        void cutAfter(long bytes) {
            passed.set(0);
            cutAt = bytes;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket();
                    upstream.connect(new InetSocketAddress(host, port));
                    open.add(client);
                    open.add(upstream);
                    daemon(() -> pipe(client, upstream, false));
                    daemon(() -> pipe(upstream, client, true));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pipe(Socket from, Socket to, boolean counted) {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    if (counted && passed.addAndGet(n) >= cutAt) {
                        cutAt = Long.MAX_VALUE;
                        cutAll();
                    }
                }
            } catch (IOException ignored) {
                // a cut, or the peer closed
            } finally {
                close(from);
                close(to);
            }
        }

        private void cutAll() {
            for (Socket socket : open) {
                close(socket);
            }
        }

        private void close(Socket socket) {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            cutAll();
        }
    }
}
