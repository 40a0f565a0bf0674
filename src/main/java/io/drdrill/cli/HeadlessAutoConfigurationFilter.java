package io.drdrill.cli;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * The headless run ({@code cli} profile) serves nothing: health, metrics and the rest of Spring Boot's actuator
 * would only cost it start-up time, so none of the actuator's auto-configurations is even considered there.
 */
public class HeadlessAutoConfigurationFilter implements AutoConfigurationImportFilter, EnvironmentAware {

    static final String PROFILE = "cli";
    private static final String ACTUATOR = "org.springframework.boot.actuate.autoconfigure.";

    private boolean headless;

    @Override
    public void setEnvironment(Environment environment) {
        headless = environment.acceptsProfiles(Profiles.of(PROFILE));
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            String candidate = autoConfigurationClasses[i];
            match[i] = !headless || candidate == null || !candidate.startsWith(ACTUATOR);
        }
        return match;
    }
}
