package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Replica;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Roles from configuration until the console drives them. A group of one promotes itself at once.
 * Once the worker serves requests: a member configured as initial primary promotes itself to the
 * next epoch when it has heard of no primary for the startup grace (it stops trying as soon as it
 * hears of one); with {@code auto-failover-after} set, any standby that hears nothing from its
 * primary for that long (plus one second per place in the member list, so they do not all try at
 * once) promotes itself. Safety does not depend on any of this: promotion still needs promises.
 */
final class ReplicationBootstrap implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicationBootstrap.class);

    private final Replica replica;
    private final ReplicationProperties properties;
    private final Thread thread;
    private volatile boolean closed;

    ReplicationBootstrap(Replica replica, ReplicationProperties properties) {
        this.replica = replica;
        this.properties = properties;
        if (replica.config().members().size() == 1) {
            replica.promote(replica.status().epoch() + 1).orTimeout(30, TimeUnit.SECONDS).join();
        }
        this.thread = new Thread(this::run, "catalog-bootstrap");
        this.thread.setDaemon(true);
    }

    /** Starts watching once the worker answers requests (others can reach it for promises and appends). */
    void start() {
        if (replica.config().members().size() > 1 && !thread.isAlive()) {
            thread.start();
        }
    }

    private void run() {
        boolean initial = properties.initialRole() == ReplicationProperties.InitialRole.PRIMARY;
        Duration failover = properties.autoFailoverAfter();
        int rank = replica.config().members().indexOf(replica.config().nodeId());
        long waitMillis = initial ? properties.startupGrace().toMillis() : 0;
        while (!closed) {
            try {
                Thread.sleep(100); // pacing of a watchdog, not a wait for a result
                if (replica.isPrimary()) {
                    continue;
                }
                boolean heardOfPrimary = replica.primaryId() != null;
                long silence = replica.millisSincePrimaryContact();
                boolean tryInitial = initial && !heardOfPrimary && silence >= waitMillis;
                boolean tryFailover = failover != null && heardOfPrimary && silence >= failover.toMillis() + rank * 1000L;
                if (heardOfPrimary) {
                    initial = false;
                }
                if (!tryInitial && !tryFailover) {
                    if (!initial && failover == null) {
                        return;
                    }
                    continue;
                }
                long epoch = replica.status().epoch() + 1;
                log.info("Promoting to epoch {} ({})", epoch, tryInitial ? "configured initial primary" : "no word from the primary for " + silence + " ms");
                replica.promote(epoch).get(properties.writeTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                initial = false;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.info("Promotion not possible now: {}", e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                waitMillis = 1000;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
