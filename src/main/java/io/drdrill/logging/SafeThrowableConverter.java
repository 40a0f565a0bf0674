package io.drdrill.logging;

import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.util.stream.Collectors;

/**
 * The log pattern's exception part: a stack trace keeps its lines, but each line has its control characters
 * escaped, since exception messages quote inputs too.
 */
public class SafeThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        String trace = super.convert(event);
        if (trace == null || trace.isEmpty()) {
            return trace;
        }
        String body = trace.endsWith("\n") ? trace.substring(0, trace.length() - 1) : trace;
        return body.lines().map(TerminalText::escape).collect(Collectors.joining("\n", "", "\n"));
    }
}
