package io.drdrill.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log pattern's {@code %m}: the message with control characters escaped, so that a manifest value logged by
 * the engine (an error message quoting it) cannot rewrite the terminal or forge log lines.
 */
public class SafeMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return TerminalText.escape(super.convert(event));
    }
}
