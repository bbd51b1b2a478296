package io.backupsuite.console.web;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts the session filter before the common access filter (order +20), after the body limit (+10). */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<SessionFilter> sessionFilter(SessionStore sessions) {
        var registration = new FilterRegistrationBean<>(new SessionFilter(sessions));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return registration;
    }
}
