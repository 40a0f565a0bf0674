package io.drdrill.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@code dr-workers} user's report may carry: the restore's own variables, and with them its worker id as
 * a string and the recall's logs as bytes, nothing else and in no other type (a serialized object is no log).
 */
class WorkerRestFilterTest {

    @Test
    void aCompletionWithTheWorkersIdAndItsLogsAsBytesIsAReport() {
        // Given a completion carrying the restore's record and, as local variables, the worker id and both logs
        String body = "{\"workerId\":\"w\",\"variables\":{\"rtoSeconds\":{\"value\":1.5,\"type\":\"Double\"}},"
                + "\"localVariables\":{\"restoreWorker\":{\"value\":\"w@1@host\",\"type\":\"String\"},"
                + "\"recallStdoutLog\":{\"value\":\"aGk=\",\"type\":\"Bytes\"},"
                + "\"recallStderrLog\":{\"value\":\"\",\"type\":\"Bytes\"}}}";

        // When / Then the filter lets it through
        assertThat(WorkerRestFilter.notAReport(body.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aLogSentAsAnotherTypeThanBytesOrAnyOtherLocalVariableIsRefused() {
        // Given a log sent as a serialized object, one as a string, and another local variable
        String asObject = "{\"localVariables\":{\"recallStdoutLog\":{\"value\":\"rO0AB\",\"type\":\"Object\","
                + "\"valueInfo\":{\"serializationDataFormat\":\"application/x-java-serialized-object\"}}}}";
        String asString = "{\"variables\":{\"recallStderrLog\":{\"value\":\"hi\",\"type\":\"String\"}}}";
        String other = "{\"localVariables\":{\"drillStatus\":{\"value\":\"passed\",\"type\":\"String\"}}}";

        // When / Then each is refused, naming what it tried
        assertThat(WorkerRestFilter.notAReport(asObject.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("set the variable 'recallStdoutLog' as type 'Object'");
        assertThat(WorkerRestFilter.notAReport(asString.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("set the variable 'recallStderrLog' as type 'String'");
        assertThat(WorkerRestFilter.notAReport(other.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("set the variable 'drillStatus'");
    }
}
