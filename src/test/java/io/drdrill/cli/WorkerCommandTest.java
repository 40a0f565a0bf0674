package io.drdrill.cli;

import io.drdrill.DrDrillApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dr-drill worker --site}: a site name by the manifest's rule, or exit 2 with one line before anything runs. */
class WorkerCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"dc b", "../dc-b", "", "dc-b\nFORGED LINE",
            "x234567890123456789012345678901234567890123456789012345678901234"})
    void aSiteThatIsNotASiteNameIsRefusedWithExitTwoAndOneLine(String site) {
        // Given a worker invocation whose --site is not letters, digits, '.', '_', '-' of at most 63 characters
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = DrDrillCommand.commandLine(DrDrillApplication.class);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        // When it is run
        int code = cli.execute("worker", "--engine-url", "http://127.0.0.1:9/engine-rest", "--user", "w",
                "--password-file", "/nonexistent/worker.password", "--site", site);

        // Then it exits 2 with one line naming --site, and reached no engine (the password file was not even read)
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).contains("--site").doesNotContain("\n").doesNotContain("password");
        assertThat(out.toString()).isEmpty();
    }
}
