package io.backupsuite.worker.roles;

import io.backupsuite.common.wire.GroupRole;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleTable;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.replication.ReplicationControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This member's side of role management (M1 claim 4): reports its replication status to the console (which is
 * its request for the quasi-primary role), pulls the role table as the fallback for a missed push, and, while it
 * is the quasi-primary, watches its primary: silent past the failure timeout (or silent for a moment while its
 * port refuses connections: its process is gone), it asks the console for a new epoch and promotes itself in it. One thread does all of it, so the steps never overlap.
 */
class RoleAgent implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RoleAgent.class);

    private final ReplicationControl control;
    private final ConsoleClient console;
    private final WorkerNode node;
    private final RolesProperties settings;
    private final MeterRegistry meters;
    private final Timer failoverTime;
    private final PrimaryProbe probe;
    private volatile Thread thread;
    private volatile boolean quasiPrimary;
    private long lastReport;
    private long lastPull;
    /** Silence counts from here at the earliest: the grant of the role, or the last failover round that failed. */
    private long silenceFrom;

    RoleAgent(ReplicationControl control, ConsoleClient console, WorkerNode node, RolesProperties settings,
            MeterRegistry meters) {
        this.control = control;
        this.console = console;
        this.node = node;
        this.settings = settings;
        this.meters = meters;
        this.probe = new PrimaryProbe(settings.checkInterval(), settings.statusTimeout(), console.nodeToken());
        this.silenceFrom = System.nanoTime();
        this.failoverTime = Timer.builder("backup.worker.roles.failover.duration")
                .description("From seeing the primary silent past the failure timeout to accepting writes as primary")
                .publishPercentileHistogram()
                .register(meters);
    }

    /** One round: report, pull, watch; each at its own interval. Exceptions end the round, not the loop. */
    void tick() throws InterruptedException {
        long now = System.nanoTime();
        try {
            if (now - lastReport >= settings.reportInterval().toNanos()) {
                lastReport = now;
                report();
            }
            if (now - lastPull >= settings.pullInterval().toNanos()) {
                lastPull = now;
                apply(console.pull(node.group()));
            }
            if (quasiPrimary && primaryFailed() && control.status().role() != GroupRole.PRIMARY) {
                failover();
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("Role round failed: {}", e.toString());
        }
    }

    private void report() throws java.io.IOException, InterruptedException {
        ConsoleClient.Grant grant = console.report(node.address(), control.status());
        if (grant.granted() && !quasiPrimary) {
            // silence counts only from now: a member that was primary a moment ago has heard from no primary yet
            silenceFrom = System.nanoTime();
        }
        quasiPrimary = grant.granted();
        if (grant.stale() && grant.table() != null) {
            apply(grant.table());
        }
    }

    private void failover() throws java.io.IOException, InterruptedException {
        long detected = System.nanoTime();
        ReplicationStatus before = control.status();
        if (primaryStillLeads(before.epoch())) {
            return;
        }
        ConsoleClient.FailoverAnswer answer = console.failover(node.group(), node.nodeId(), before.epoch());
        if (answer.refused()) {
            log.info("Console refused failover in epoch {}: {}", before.epoch(), answer.type());
            if (answer.table() != null) {
                apply(answer.table());
            }
            quasiPrimary = false;
            silenceFrom = System.nanoTime();
            return;
        }
        long silent = silentMillis();
        if (!primaryFailed()) {
            // the primary spoke while we asked (a stall, not a failure): the unused epoch simply expires
            log.info("Primary heard again {} ms ago: not promoting in epoch {}", silent, answer.epoch());
            meters.counter("backup.worker.roles.failovers", "outcome", "abandoned").increment();
            return;
        }
        log.warn("Primary silent for {} ms{}: promoting in epoch {}", silent,
                silent > settings.failureTimeout().toMillis() ? "" : " and its port refuses connections", answer.epoch());
        try {
            control.promote(answer.epoch()).get(settings.promoteTimeout().toMillis(), TimeUnit.MILLISECONDS);
            failoverTime.record(Duration.ofNanos(System.nanoTime() - detected));
            meters.counter("backup.worker.roles.failovers", "outcome", "promoted").increment();
            lastReport = 0; // tell the console at once, so it broadcasts the new table
            report();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            meters.counter("backup.worker.roles.failovers", "outcome", "failed").increment();
            log.warn("Promotion in epoch {} failed: {}", answer.epoch(), e.toString());
            silenceFrom = System.nanoTime();
        }
    }

    /**
     * Whether the primary counts as failed: silent past the failure timeout, or silent past the probe delay while
     * its port refuses connections (its process is gone: no need to wait out the timeout).
     */
    private boolean primaryFailed() {
        long silent = silentMillis();
        if (silent > settings.failureTimeout().toMillis()) {
            return true;
        }
        return silent > settings.probeAfter().toMillis() && control.primaryAddress().map(probe::refused).orElse(false);
    }

    /**
     * Past the failure timeout (not when its port refuses connections: then its process is gone), asks the primary
     * itself; one that answers that it leads and takes writes is only slow towards this member or cut off from it.
     */
    private boolean primaryStillLeads(long epoch) throws InterruptedException {
        long silent = silentMillis();
        if (silent <= settings.failureTimeout().toMillis()) {
            return false;
        }
        var address = control.primaryAddress();
        if (address.isEmpty() || !probe.leads(address.get(), epoch)) {
            return false;
        }
        log.info("Primary silent towards this member for {} ms but answers that it leads epoch {}: not replacing it", silent, epoch);
        meters.counter("backup.worker.roles.failovers", "outcome", "primary-alive").increment();
        silenceFrom = System.nanoTime();
        return true;
    }

    private long silentMillis() {
        return Math.min(control.millisSincePrimaryContact(), (System.nanoTime() - silenceFrom) / 1_000_000);
    }

    private void apply(RoleTable table) {
        if (table.version() > control.roleTableVersion()) {
            control.applyRoleTable(table);
        }
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                tick();
                Thread.sleep(settings.checkInterval().toMillis()); // the failure detector's period, not a wait for an event
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        thread = new Thread(this::run, "roles");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
