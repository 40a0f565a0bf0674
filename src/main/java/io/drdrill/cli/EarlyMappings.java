package io.drdrill.cli;

import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ResultMap;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.defaults.DefaultSqlSessionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The largest single part of a headless start is the engine reading its MyBatis mapping XML (57 files, 1.5–2.5 s
 * on a cold JVM), and it runs on one thread while the other core idles. {@link #start()} reads them on a second
 * thread as soon as {@code run} begins, while the command checks its options and Spring builds its context; the
 * engine plugin then hands the finished configuration to the engine, which skips its own parse when it already has
 * a session factory. It is read exactly as the engine would read it (its mapping file, its properties for the
 * database type and table prefix): for the headless default, H2 without a prefix. An engine on any other database
 * or prefix, a shared session factory, or a read that failed or is not there parses as usual: the early read only
 * ever saves time. Each early read is taken by at most one engine.
 * <p>
 * A headless drill never touches about a third of that XML: the case (CMMN) and decision (DMN) engines are off,
 * and batches, statistics and reports, filters, identity info and usage metrics are web-app or server features
 * (comments and attachments are not among them: the engine stamps their removal time when a drill ends). Those mapper files ({@link #DEFERRED}, none of them referred to by the others) are read only
 * when the engine first asks for a statement or result map that is not there, all of them at once, in the
 * engine's order: a path that does need one costs the time saved, and nothing else changes.
 */
@Component
@Profile(HeadlessAutoConfigurationFilter.PROFILE)
public class EarlyMappings extends AbstractProcessEnginePlugin {

    static final String DATABASE_TYPE = "h2";
    static final String TABLE_PREFIX = "";

    /** Mapper files of the engine's mappings read only on the first miss (base names in its entity folder). */
    static final Set<String> DEFERRED = Set.of("Statistics", "HistoricStatistics", "Report", "HistoricTaskInstanceReport",
            "HistoricDecisionInstance", "HistoricDecisionInputInstance", "HistoricDecisionOutputInstance",
            "DecisionDefinition", "DecisionRequirementsDefinition", "HistoricCaseInstance",
            "HistoricCaseActivityInstance", "CaseExecution", "CaseDefinition", "CaseSentryPart", "Batch", "HistoricBatch",
            "Filter", "IdentityInfo", "Metrics", "TaskMetrics", "TableData");
    private static final String ENTITY_MAPPINGS = "org/camunda/bpm/engine/impl/mapping/entity/";
    private static final Pattern MAPPER = Pattern.compile(
            "<mapper\\s+resource=\"(" + ENTITY_MAPPINGS + "(\\w+)\\.xml)\"\\s*/>");

    private static final AtomicReference<CompletableFuture<Configuration>> PENDING = new AtomicReference<>();
    private static volatile double readSeconds = -1;
    private static volatile double waitedSeconds = -1;

    /** Starts reading the mappings on a daemon thread; a read already under way is replaced. */
    public static void start() {
        CompletableFuture<Configuration> read = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long started = System.nanoTime();
                Configuration configuration = parse(DATABASE_TYPE, TABLE_PREFIX);
                readSeconds = (System.nanoTime() - started) / 1e9;
                read.complete(configuration);
            } catch (Throwable e) {
                read.completeExceptionally(e);
            }
        }, "dr-drill-early-mappings");
        thread.setDaemon(true);
        PENDING.set(read);
        thread.start();
    }

    /** The engine's own MyBatis configuration for a database type and table prefix, without an environment. */
    static Configuration parse(String databaseType, String tablePrefix) throws Exception {
        Properties properties = new Properties();
        properties.put("prefix", tablePrefix);
        ProcessEngineConfigurationImpl.initSqlSessionFactoryProperties(properties, tablePrefix, databaseType);
        String mappings = new String(resource(ProcessEngineConfigurationImpl.DEFAULT_MYBATIS_MAPPING_FILE).readAllBytes(),
                StandardCharsets.UTF_8);
        List<String> deferred = new ArrayList<>();
        Matcher mapper = MAPPER.matcher(mappings);
        StringBuilder eager = new StringBuilder();
        while (mapper.find()) {
            boolean later = DEFERRED.contains(mapper.group(2));
            if (later) {
                deferred.add(mapper.group(1));
            }
            mapper.appendReplacement(eager, later ? "" : Matcher.quoteReplacement(mapper.group()));
        }
        mapper.appendTail(eager);
        XMLConfigBuilder builder = new XMLConfigBuilder(DeferringConfiguration.class, new StringReader(eager.toString()),
                "", properties);
        DeferringConfiguration configuration = (DeferringConfiguration) builder.parse();
        configuration.defer(deferred);
        return configuration;
    }

    private static InputStream resource(String name) {
        InputStream in = ProcessEngineConfigurationImpl.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("no " + name + " on the class path");
        }
        return in;
    }

    /**
     * How long the early read took on its thread and how long the engine waited for it, in seconds (negative when
     * there was no such read or wait); for the start-up timings.
     */
    static double[] readAndWaitSeconds() {
        return new double[] {readSeconds, waitedSeconds};
    }

    /** How many times the deferred mapper files were read (0 or 1 per engine); for tests and start-up timings. */
    static int lateReads() {
        return DeferringConfiguration.LATE_READS.get();
    }

    /** The statement or result map whose lookup read the deferred files last, if any. */
    static String lateReadFor() {
        return DeferringConfiguration.lateFor;
    }

    /**
     * The engine's MyBatis configuration with some mapper files still unread: the first lookup of a statement or
     * result map it does not have reads them (once, under a lock) and looks again.
     */
    public static class DeferringConfiguration extends Configuration {

        static final AtomicInteger LATE_READS = new AtomicInteger();

        private static volatile String lateFor;

        private volatile List<String> deferred = List.of();

        void defer(List<String> resources) {
            deferred = List.copyOf(resources);
        }

        /** The mapper files not read yet. */
        List<String> deferred() {
            return deferred;
        }

        /** The statements read so far, without reading the deferred files. */
        int statementsRead() {
            return mappedStatements.size();
        }

        private void readDeferred(String forId) {
            synchronized (this) {
                List<String> resources = deferred;
                if (resources.isEmpty()) {
                    return;
                }
                deferred = List.of();
                lateFor = forId;
                LATE_READS.incrementAndGet();
                for (String name : resources) {
                    try (InputStream in = resource(name)) {
                        new XMLMapperBuilder(in, this, name, getSqlFragments()).parse();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }

        /** Reads the deferred files when some remain and the lookup of {@code id} would miss without them. */
        private void readDeferredIfMissing(String id, BooleanSupplier present) {
            if (!deferred.isEmpty() && !present.getAsBoolean()) {
                readDeferred(id);
            }
        }

        @Override
        public MappedStatement getMappedStatement(String id, boolean validateIncompleteStatements) {
            readDeferredIfMissing(id, () -> super.hasStatement(id, validateIncompleteStatements));
            return super.getMappedStatement(id, validateIncompleteStatements);
        }

        @Override
        public boolean hasStatement(String id, boolean validateIncompleteStatements) {
            readDeferredIfMissing(id, () -> super.hasStatement(id, validateIncompleteStatements));
            return super.hasStatement(id, validateIncompleteStatements);
        }

        @Override
        public ResultMap getResultMap(String id) {
            readDeferredIfMissing(id, () -> super.hasResultMap(id));
            return super.getResultMap(id);
        }

        @Override
        public boolean hasResultMap(String id) {
            readDeferredIfMissing(id, () -> super.hasResultMap(id));
            return super.hasResultMap(id);
        }

        @Override
        public Collection<String> getMappedStatementNames() {
            readDeferred("(all statement names)");
            return super.getMappedStatementNames();
        }

        @Override
        public Collection<MappedStatement> getMappedStatements() {
            readDeferred("(all statements)");
            return super.getMappedStatements();
        }

        @Override
        public Collection<String> getResultMapNames() {
            readDeferred("(all result map names)");
            return super.getResultMapNames();
        }

        @Override
        public Collection<ResultMap> getResultMaps() {
            readDeferred("(all result maps)");
            return super.getResultMaps();
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl engine) {
        CompletableFuture<Configuration> read = PENDING.getAndSet(null);
        if (read == null || engine.getSqlSessionFactory() != null || engine.isUseSharedSqlSessionFactory()
                || engine.getDataSource() == null || !TABLE_PREFIX.equals(engine.getDatabaseTablePrefix())) {
            return;
        }
        if (engine.getDatabaseType() == null) {
            engine.initDatabaseType();
        }
        if (!DATABASE_TYPE.equals(engine.getDatabaseType())) {
            return;
        }
        Configuration configuration;
        long waiting = System.nanoTime();
        try {
            configuration = read.join();
        } catch (RuntimeException e) {
            return;
        } finally {
            waitedSeconds = (System.nanoTime() - waiting) / 1e9;
        }
        if (engine.getTransactionFactory() == null) {
            engine.setTransactionFactory(engine.isTransactionsExternallyManaged()
                    ? new ManagedTransactionFactory() : new JdbcTransactionFactory());
        }
        configuration.setEnvironment(new Environment("default", engine.getTransactionFactory(), engine.getDataSource()));
        configuration.setDefaultStatementTimeout(engine.getJdbcStatementTimeout());
        if (engine.isJdbcBatchProcessing()) {
            configuration.setDefaultExecutorType(ExecutorType.BATCH);
        }
        engine.setSqlSessionFactory(new DefaultSqlSessionFactory(configuration));
    }
}
