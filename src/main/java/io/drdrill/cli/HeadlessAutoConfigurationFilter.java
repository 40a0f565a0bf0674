package io.drdrill.cli;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

import java.util.HashSet;
import java.util.Set;

/**
 * The headless run ({@code cli} profile) serves nothing and runs one drill: of Spring Boot's auto-configurations it
 * considers only those a drill uses ({@link #HEADLESS}), so that the others (actuator, web, Jackson, caches, task
 * executors, HTTP clients…, about a hundred of them) are not even read: reading and checking their conditions was
 * a third of the headless start. Classes they import are not auto-configurations and pass (Spring hands this filter
 * every import too); with any other profile everything passes.
 */
public class HeadlessAutoConfigurationFilter implements AutoConfigurationImportFilter, EnvironmentAware,
        BeanClassLoaderAware {

    static final String PROFILE = "cli";

    /** What a headless drill needs: the engine, its database and transactions, properties, and mail for alerts. */
    static final Set<String> HEADLESS = Set.of(
            "org.camunda.bpm.spring.boot.starter.CamundaBpmAutoConfiguration",
            "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
            "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration",
            "org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration",
            "org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration",
            "org.springframework.boot.autoconfigure.mail.MailSenderAutoConfiguration",
            "org.springframework.boot.autoconfigure.mail.MailSenderValidatorAutoConfiguration");

    private boolean headless;
    private ClassLoader classLoader;
    private Set<String> autoConfigurations;

    @Override
    public void setEnvironment(Environment environment) {
        headless = environment.acceptsProfiles(Profiles.of(PROFILE));
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
        boolean[] match = new boolean[autoConfigurationClasses.length];
        for (int i = 0; i < match.length; i++) {
            String candidate = autoConfigurationClasses[i];
            match[i] = !headless || candidate == null || HEADLESS.contains(candidate)
                    || !autoConfigurations().contains(candidate);
        }
        return match;
    }

    /** Every auto-configuration the class path declares (as Spring Boot lists them). */
    private Set<String> autoConfigurations() {
        if (autoConfigurations == null) {
            autoConfigurations = new HashSet<>();
            ImportCandidates.load(AutoConfiguration.class, classLoader).forEach(autoConfigurations::add);
        }
        return autoConfigurations;
    }
}
