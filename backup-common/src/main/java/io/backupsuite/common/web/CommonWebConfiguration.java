package io.backupsuite.common.web;

import io.backupsuite.common.security.AccessFilter;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Authenticator;
import io.backupsuite.common.security.SecurityProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * What every service's web layer shares: the body limit, authentication and access rules, and the
 * problem-details advice. A service imports this and declares its own {@link AccessRules} bean.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class CommonWebConfiguration {

    @Bean
    Authenticator authenticator(SecurityProperties properties) {
        return new Authenticator(properties);
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(SecurityProperties properties) {
        var registration = new FilterRegistrationBean<>(new BodyLimitFilter(properties.maxBodySize().toBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<AccessFilter> accessFilter(
            Authenticator authenticator, AccessRules rules, SecurityProperties properties) {
        var registration = new FilterRegistrationBean<>(new AccessFilter(authenticator, rules, properties.publicPaths()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    @Bean
    ProblemAdvice problemAdvice() {
        return new ProblemAdvice();
    }
}
