package io.backupsuite.worker.limits;

import jakarta.validation.Valid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators read and change the worker's transfer limits while it runs (not persisted: a restart reads the settings again). */
@RestController
@RequestMapping("/api/v1/limits")
class LimitsController {

    private static final Logger log = LoggerFactory.getLogger(LimitsController.class);

    private final TransferLimits limits;

    LimitsController(TransferLimits limits) {
        this.limits = limits;
    }

    @GetMapping
    LimitsView current() {
        return limits.view();
    }

    @PutMapping
    LimitsView change(@Valid @RequestBody LimitsUpdate update) {
        LimitsView view = limits.update(update);
        log.info("Limits changed by an operator: {}", view);
        return view;
    }
}
