package io.drdrill.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.drdrill.step.Text;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a manifest's drill runs by itself: a cron expression in the syntax of the engine's own timer cycles, so
 * that a schedule means in a manifest exactly what it would mean in a BPMN {@code timeCycle}. Camunda 7.24 reads
 * those with cron-utils' {@code SPRING53} definition (six fields, seconds first: {@code 0 0 3 ? * MON}, with
 * {@code ?}, {@code L}, {@code W}, {@code #} and names), and so does this class, with the same library.
 *
 * @param cron the expression as written
 */
public record Schedule(String cron) {

    private static final CronParser PARSER =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

    public Schedule {
        parse(cron);
    }

    /**
     * @throws IllegalArgumentException with one line saying why, when {@code cron} is not a valid expression
     */
    public static Schedule of(String cron) {
        return new Schedule(cron);
    }

    /** The first fire time strictly after {@code after}, in {@code zone}; empty when the cron never fires again. */
    public Optional<Instant> nextAfter(Instant after, ZoneId zone) {
        return ExecutionTime.forCron(parse(cron)).nextExecution(after.atZone(zone)).map(t -> t.toInstant());
    }

    private static Cron parse(String cron) {
        if (cron == null || cron.isBlank()) {
            throw new IllegalArgumentException("a cron expression is required (six fields, seconds first, e.g. "
                    + "'0 0 3 ? * MON')");
        }
        try {
            return PARSER.parse(cron.trim()).validate();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + Text.shorten(cron, 80) + "' is not a cron expression of six "
                    + "fields, seconds first (e.g. '0 0 3 ? * MON'): " + Text.shorten(firstLine(e), 200));
        }
    }

    private static String firstLine(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
