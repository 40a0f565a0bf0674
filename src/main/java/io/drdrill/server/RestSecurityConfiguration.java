package io.drdrill.server;

import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The REST API and the actuator are open by default: here every {@code /engine-rest} call must authenticate
 * (HTTP Basic), and so must every actuator call but the overall health.
 */
@Configuration
@ConditionalOnWebApplication
public class RestSecurityConfiguration {

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> restAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
                new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
        registration.setName("engine-rest-authentication");
        registration.addUrlPatterns("/engine-rest/*");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** Health is public, its details and the metrics are not: see {@link ActuatorAccessFilter}. */
    @Bean
    FilterRegistrationBean<ActuatorAccessFilter> actuatorAccess(IdentityService identity) {
        FilterRegistrationBean<ActuatorAccessFilter> registration =
                new FilterRegistrationBean<>(new ActuatorAccessFilter(identity));
        registration.setName("actuator-authentication");
        registration.addUrlPatterns("/actuator", "/actuator/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** Runs after authentication, so it knows who is asking. */
    @Bean
    FilterRegistrationBean<StartInstructionsFilter> startInstructions(IdentityService identity) {
        FilterRegistrationBean<StartInstructionsFilter> registration =
                new FilterRegistrationBean<>(new StartInstructionsFilter(identity));
        registration.setName("engine-rest-start-instructions");
        registration.addUrlPatterns("/engine-rest/*", "/camunda/api/engine/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }
}
