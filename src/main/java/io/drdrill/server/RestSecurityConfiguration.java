package io.drdrill.server;

import jakarta.servlet.Filter;
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

    private static final int AUTHENTICATION = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> restAuthentication() {
        FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration = filter(
                "engine-rest-authentication", new ProcessEngineAuthenticationFilter(), AUTHENTICATION, "/engine-rest/*");
        registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
        return registration;
    }

    /** A dr-workers user reaches the restore tasks' endpoints only: see {@link WorkerRestFilter}. */
    @Bean
    FilterRegistrationBean<WorkerRestFilter> workerRest(IdentityService identity) {
        return filter("engine-rest-workers", new WorkerRestFilter(identity), AUTHENTICATION + 5, "/engine-rest/*");
    }

    /** Health is public, its details and the metrics are not: see {@link ActuatorAccessFilter}. */
    @Bean
    FilterRegistrationBean<ActuatorAccessFilter> actuatorAccess(IdentityService identity) {
        return filter("actuator-authentication", new ActuatorAccessFilter(identity), AUTHENTICATION,
                "/actuator", "/actuator/*");
    }

    /** Runs after authentication, so it knows who is asking. */
    @Bean
    FilterRegistrationBean<StartInstructionsFilter> startInstructions(IdentityService identity) {
        return filter("engine-rest-start-instructions", new StartInstructionsFilter(identity), AUTHENTICATION + 10,
                "/engine-rest/*", "/camunda/api/engine/*");
    }

    /** Business-rule refusals that the REST API would report as 500 are answered as 400/403 with the rule. */
    @Bean
    FilterRegistrationBean<RefusalResponseFilter> refusalResponses() {
        return filter("engine-rest-refusals", new RefusalResponseFilter(), AUTHENTICATION + 20,
                "/engine-rest/*", "/camunda/api/engine/*");
    }

    private static <F extends Filter> FilterRegistrationBean<F> filter(String name, F filter, int order,
                                                                      String... urlPatterns) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setName(name);
        registration.addUrlPatterns(urlPatterns);
        registration.setOrder(order);
        return registration;
    }
}
