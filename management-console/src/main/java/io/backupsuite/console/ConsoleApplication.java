package io.backupsuite.console;

import io.backupsuite.common.security.AccessRule;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.web.CommonWebConfiguration;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** The management console: registry of every node, and (in later issues) roles and the admin page. */
@SpringBootApplication
@Import(CommonWebConfiguration.class)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsoleApplication.class, args);
    }

    /** Nodes report with their node token; people read with viewer or operator credentials. */
    @Bean
    AccessRules accessRules() {
        return AccessRules.of(
                AccessRule.of("POST", "/api/v1/nodes/heartbeat", Role.NODE),
                AccessRule.of("GET", "/api/v1/nodes", Role.VIEWER, Role.OPERATOR, Role.NODE),
                AccessRule.any("/api/**", Role.VIEWER, Role.OPERATOR),
                AccessRule.any("/actuator/**", Role.OPERATOR));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
