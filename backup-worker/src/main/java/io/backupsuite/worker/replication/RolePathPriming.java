package io.backupsuite.worker.replication;

import jakarta.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates one body of each role operation when the worker starts. A switchover or failover is often
 * the first of its kind in a process, and the first binding of a type builds its JSON and validation metadata: tens
 * of milliseconds spent while writes wait. Done here, at startup, instead.
 */
@Component
class RolePathPriming {

    private static final Logger log = LoggerFactory.getLogger(RolePathPriming.class);

    private final JsonMapper json;
    private final Validator validator;
    private final ReplicationService control;

    RolePathPriming(JsonMapper json, Validator validator, ReplicationService control) {
        this.json = json;
        this.validator = validator;
        this.control = control;
    }

    @EventListener(ApplicationReadyEvent.class)
    void prime() {
        long start = System.nanoTime();
        try {
            validator.validate(json.readValue("{\"target\":\"w\",\"epoch\":1}", ReplicationController.Handover.class));
            validator.validate(json.readValue("{\"epoch\":1}", ReplicationController.Promote.class));
            validator.validate(json.readValue("{\"nodeId\":\"w\",\"available\":true}", ReplicationController.Availability.class));
            json.writeValueAsBytes(control.status());
            log.debug("Role operations primed in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            log.debug("Priming the role operations failed (they bind on first use instead): {}", e.toString());
        }
    }
}
