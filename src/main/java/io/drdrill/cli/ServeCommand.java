package io.drdrill.cli;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dr-drill serve}: Tasklist, Cockpit, Admin and the REST API for operators, secured. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the operators' server: Camunda Tasklist, Cockpit, Admin and the REST API "
                + "(/engine-rest) on port 8080.",
                "Spring and engine settings may follow as --name=value, e.g. --server.port=9090, "
                        + "--spring.datasource.url=..., --drdrill.manifests-dir=..."})
public class ServeCommand implements Callable<Integer> {

    private static final List<String> SETTING_PREFIXES = List.of("--server.", "--spring.", "--camunda.",
            "--drdrill.", "--logging.", "--management.");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    DrDrillCommand parent;

    @CommandLine.Unmatched
    List<String> settings = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        for (String setting : settings) {
            if (SETTING_PREFIXES.stream().noneMatch(setting::startsWith) || !setting.contains("=")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown option '" + setting
                        + "' (settings are --name=value with a server., spring., camunda. or drdrill. name)");
            }
        }
        ConfigurableApplicationContext server = new SpringApplicationBuilder(parent.application())
                .web(WebApplicationType.SERVLET)
                .profiles("serve")
                .run(settings.toArray(String[]::new));
        CountDownLatch stopped = new CountDownLatch(1);
        server.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                stopped.countDown();
            }
        });
        if (server.isActive()) {
            stopped.await();
        }
        return 0;
    }
}
