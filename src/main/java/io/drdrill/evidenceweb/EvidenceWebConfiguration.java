package io.drdrill.evidenceweb;

import io.drdrill.process.DrillSettings;
import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Evidence over HTTP exists only in server mode ({@code dr-drill serve}: the {@code serve} profile and a servlet
 * web application); the headless run has neither and never registers it.
 */
@Configuration
@Profile("serve")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class EvidenceWebConfiguration {

    static final String MAPPING = "/drills/*";

    @Bean
    ServletRegistrationBean<EvidenceServlet> drillEvidence(ProcessEngine engine, DrillSettings settings) {
        ServletRegistrationBean<EvidenceServlet> registration = new ServletRegistrationBean<>(
                new EvidenceServlet(new DrillReaders(engine), new EvidenceFolder(settings.evidenceDir())), MAPPING);
        registration.setName("drill-evidence");
        return registration;
    }
}
