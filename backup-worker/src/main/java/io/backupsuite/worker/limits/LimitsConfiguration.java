package io.backupsuite.worker.limits;

import io.backupsuite.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The transfer limits and the readiness check that shows the disk guard. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LimitsProperties.class)
class LimitsConfiguration {

    @Bean
    TransferLimits transferLimits(LimitsProperties properties, WorkerProperties worker, MeterRegistry registry) {
        return TransferLimits.create(properties, worker.dataDir(), registry);
    }

    /** Part of the readiness group: below the free-space threshold the worker refuses new transfers. */
    @Bean
    HealthIndicator diskGuardHealthIndicator(TransferLimits limits) {
        return () -> {
            LimitsView view = limits.view();
            Health.Builder health = view.acceptingWork() ? Health.up() : Health.outOfService();
            return health.withDetail("freeBytes", view.freeSpaceBytes())
                    .withDetail("reservedBytes", view.reservedBytes())
                    .withDetail("minFreeBytes", view.minFreeSpaceBytes())
                    .build();
        };
    }
}
