package io.backupsuite.dispatcher.results;

import io.backupsuite.dispatcher.DispatcherProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ResultsConfiguration {

    @Bean
    Backoff backoff(DispatcherProperties properties) {
        return new Backoff(properties.backoffBase(), properties.backoffMax(), properties.backoffJitter());
    }
}
