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
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The management console: registry of every node, the role table it broadcasts, quasi-primary grants,
 * failover authorisation and switchover (M1 claims 4 and 7), and the admin page.
 */
@SpringBootApplication
@EnableScheduling
@Import(CommonWebConfiguration.class)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsoleApplication.class, args);
    }

    /** Nodes report and ask with their node token; people read as viewers and act as operators. */
    @Bean
    AccessRules accessRules() {
        Role[] readers = {Role.VIEWER, Role.OPERATOR, Role.NODE};
        return AccessRules.of(
                AccessRule.of("POST", "/api/v1/nodes/heartbeat", Role.NODE),
                AccessRule.of("GET", "/api/v1/nodes", readers),
                AccessRule.of("GET", "/api/v1/roles", readers),
                AccessRule.of("POST", "/api/v1/groups/*/quasi-primary", Role.NODE),
                AccessRule.of("POST", "/api/v1/groups/*/status", Role.NODE),
                AccessRule.of("POST", "/api/v1/groups/*/failover", Role.NODE),
                AccessRule.of("POST", "/api/v1/groups/*/switchover", Role.OPERATOR),
                AccessRule.of("POST", "/api/v1/groups/*/members/*/availability", Role.OPERATOR),
                AccessRule.of("POST", "/api/v1/dashboard/tasks/*/retry", Role.OPERATOR),
                AccessRule.any("/api/**", Role.VIEWER, Role.OPERATOR),
                AccessRule.any("/actuator/**", Role.OPERATOR),
                AccessRule.any("/**", Role.VIEWER, Role.OPERATOR));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
