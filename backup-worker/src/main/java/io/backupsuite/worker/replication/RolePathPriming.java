package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.replication.Replica;
import jakarta.validation.Validator;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the first steps of the role operations once when the worker starts, where nothing waits on them. A
 * switchover or failover is often the first of its kind in a process: the first binding of a type builds its JSON
 * and validation metadata, and the first promise request sets up its codec, client path and the member's handler,
 * tens of milliseconds in all while writes wait. So at startup the worker reads and validates one body of each role
 * operation and sends every member, itself included, a promise request for epoch 0, which no member ever grants
 * (a promise needs an epoch newer than the member's) and which changes nothing.
 */
@Component
class RolePathPriming {

    private static final Logger log = LoggerFactory.getLogger(RolePathPriming.class);

    private final JsonMapper json;
    private final Validator validator;
    private final ReplicationService control;
    private final Replica replica;
    private final SocketTransport transport;

    RolePathPriming(JsonMapper json, Validator validator, ReplicationService control, Replica replica, SocketTransport transport) {
        this.json = json;
        this.validator = validator;
        this.control = control;
        this.replica = replica;
        this.transport = transport;
    }

    @EventListener(ApplicationReadyEvent.class)
    void prime() {
        Thread thread = new Thread(this::primeNow, "role-path-priming");
        thread.setDaemon(true);
        thread.start();
    }

    private void primeNow() {
        long start = System.nanoTime();
        try {
            validator.validate(json.readValue("{\"target\":\"w\",\"epoch\":1}", ReplicationController.Handover.class));
            validator.validate(json.readValue("{\"epoch\":1}", ReplicationController.Promote.class));
            validator.validate(json.readValue("{\"nodeId\":\"w\",\"available\":true}", ReplicationController.Availability.class));
            json.writeValueAsBytes(control.status());
            for (String member : replica.config().members()) {
                try {
                    transport.promise(member, new PromiseRequest(0, replica.config().nodeId())).get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // a member that is not up yet: it primes its own handler when it starts
                }
            }
            log.debug("Role operations primed in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.debug("Priming the role operations failed (they set up on first use instead): {}", e.toString());
        }
    }
}
