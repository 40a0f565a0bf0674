package io.drdrill.cli;

import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.builder.IncompleteElementException;
import org.apache.ibatis.builder.MapperBuilderAssistant;
import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.builder.xml.XMLMapperEntityResolver;
import org.apache.ibatis.builder.xml.XMLStatementBuilder;
import org.apache.ibatis.executor.ErrorContext;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ResultMap;
import org.apache.ibatis.parsing.XNode;
import org.apache.ibatis.parsing.XPathParser;
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
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The largest single part of a headless start is the engine reading its MyBatis mapping XML (57 files, 1.5–2.5 s
 * on a cold JVM), and it runs on one thread while the other core idles. {@link #start()} reads them on a second
 * thread as soon as {@code main} sees {@code run}, while the command line is checked and Spring builds its context;
 * the engine plugin then hands the finished configuration to the engine, which skips its own parse when it already has
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
 * <p>
 * Of the files read early, more than half of the work is building their 621 statements (applying their SQL
 * fragments, parsing their dynamic SQL), and a drill runs 72 of them. So each file's result maps, SQL
 * fragments and parameter maps are read as the engine reads them, while its statements are kept as parsed XML and
 * each is built, exactly as MyBatis builds it, the first time the engine asks for its id (the full id, or the short
 * one, for which every statement of that short name is built, so an ambiguous short name stays ambiguous). Asking
 * for every statement builds every statement. The statements a drill runs ({@link #DRILL_STATEMENTS}) are built
 * ahead on the early thread once the engine has the configuration.
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
        start(true);
    }

    /**
     * Starts reading the mappings unless a read is under way and not taken by an engine yet: {@code main} starts it
     * before the command line is parsed, {@code run} again in case it was not.
     */
    public static void startUnlessPending() {
        start(false);
    }

    private static synchronized void start(boolean replace) {
        if (!replace && PENDING.get() != null) {
            return;
        }
        CompletableFuture<Configuration> read = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long started = System.nanoTime();
                Configuration configuration = parse(DATABASE_TYPE, TABLE_PREFIX);
                readSeconds = (System.nanoTime() - started) / 1e9;
                DeferringConfiguration deferring = configuration instanceof DeferringConfiguration d ? d : null;
                if (deferring != null) {
                    deferring.listAhead(listed(DRILL_STATEMENTS));
                }
                read.complete(configuration);
                if (deferring != null) {
                    deferring.buildAhead();
                }
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
        List<String> early = new ArrayList<>();
        Matcher mapper = MAPPER.matcher(mappings);
        StringBuilder settings = new StringBuilder();
        while (mapper.find()) {
            // deferred files wait for a miss; the others are read below, keeping their statements, when we can
            if (DEFERRED.contains(mapper.group(2))) {
                deferred.add(mapper.group(1));
            } else if (WITH_PARSER != null) {
                early.add(mapper.group(1));
            } else {
                mapper.appendReplacement(settings, Matcher.quoteReplacement(mapper.group()));
                continue;
            }
            mapper.appendReplacement(settings, "");
        }
        mapper.appendTail(settings);
        XMLConfigBuilder builder = new XMLConfigBuilder(DeferringConfiguration.class, new StringReader(settings.toString()),
                "", properties);
        DeferringConfiguration configuration = (DeferringConfiguration) builder.parse();
        for (String resource : early) {
            configuration.readKeepingStatements(resource);
        }
        configuration.defer(deferred);
        return configuration;
    }

    /** The statements a headless drill runs, built on the early thread once the engine has the configuration. */
    static final String DRILL_STATEMENTS = "io/drdrill/cli/drill-statements.txt";

    /** The statement ids listed in a resource, one per line, {@code #} comments and blank lines left out. */
    static List<String> listed(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException | IllegalStateException e) {
            return List.of();
        }
    }

    /** The expression with which MyBatis finds a mapper file's statements. */
    private static final String STATEMENTS = "select|insert|update|delete";
    private static final String SELECT_KEY_SUFFIX = "!selectKey";

    /**
     * MyBatis's own mapper reader, given a parser of ours; its only constructor that takes a parser is private. When
     * it cannot be had (another MyBatis), the early read reads statements eagerly, as the engine does.
     */
    private static final Constructor<XMLMapperBuilder> WITH_PARSER = withParser();

    private static Constructor<XMLMapperBuilder> withParser() {
        try {
            Constructor<XMLMapperBuilder> constructor = XMLMapperBuilder.class.getDeclaredConstructor(
                    XPathParser.class, Configuration.class, String.class, Map.class);
            constructor.setAccessible(true);
            return constructor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** One statement of a mapper file, parsed as XML and not built yet. */
    private record UnbuiltStatement(String resource, String namespace, XNode node) {
    }

    /**
     * A mapper file's parser that hands MyBatis no statements and keeps them instead (the same nodes its XPath query
     * finds, with the file's namespace); everything else it answers as MyBatis's own.
     */
    private static final class StatementKeepingParser extends XPathParser {

        private final String resource;
        private final Properties variables;
        private final List<UnbuiltStatement> kept = new ArrayList<>();

        StatementKeepingParser(InputStream in, String resource, Properties variables) {
            super(in, true, variables, new XMLMapperEntityResolver());
            this.resource = resource;
            this.variables = variables;
        }

        @Override
        public List<XNode> evalNodes(Object root, String expression) {
            List<XNode> nodes = super.evalNodes(root, expression);
            if (!STATEMENTS.equals(expression) || !(root instanceof org.w3c.dom.Node mapper)) {
                return nodes;
            }
            String namespace = new XNode(this, mapper, variables).getStringAttribute("namespace");
            for (XNode node : nodes) {
                kept.add(new UnbuiltStatement(resource, namespace, node));
            }
            return new ArrayList<>();
        }
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

    /** How many statements were built on first use, and how long that took in all, in seconds; for the timings. */
    static double[] builtOnFirstUse() {
        return new double[] {DeferringConfiguration.BUILT.get(), DeferringConfiguration.BUILD_NANOS.get() / 1e9};
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
        static final AtomicInteger BUILT = new AtomicInteger();
        static final AtomicLong BUILD_NANOS = new AtomicLong();

        private static volatile String lateFor;

        private volatile List<String> deferred = List.of();

        void defer(List<String> resources) {
            deferred = List.copyOf(resources);
        }

        /** Statements not built yet, in the engine's order, and by every id MyBatis files them under. */
        private final Set<UnbuiltStatement> unbuilt = new LinkedHashSet<>();
        private final Map<String, List<UnbuiltStatement>> unbuiltById = new HashMap<>();
        private volatile int unbuiltCount;
        private boolean building;
        private volatile boolean abandoned;
        private Set<String> listed;
        private final Set<String> unlisted = new LinkedHashSet<>();

        /** Reads one mapper file as MyBatis does, keeping its statements to be built on first use. */
        void readKeepingStatements(String resource) throws IOException {
            ErrorContext.instance().resource(resource);
            StatementKeepingParser parser;
            try (InputStream in = resource(resource)) {
                parser = new StatementKeepingParser(in, resource, getVariables());
                WITH_PARSER.newInstance(parser, this, resource, getSqlFragments()).parse();
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            } finally {
                ErrorContext.instance().reset();
            }
            synchronized (this) {
                for (UnbuiltStatement statement : parser.kept) {
                    unbuilt.add(statement);
                    for (String id : ids(statement)) {
                        unbuiltById.computeIfAbsent(id, key -> new ArrayList<>(1)).add(statement);
                    }
                }
                unbuiltCount = unbuilt.size();
            }
        }

        /** The ids MyBatis files a statement under: namespaced and short, and those of its select key. */
        private static List<String> ids(UnbuiltStatement statement) {
            String id = statement.node().getStringAttribute("id");
            String prefix = statement.namespace() + ".";
            String shortId = id.startsWith(prefix) ? id.substring(prefix.length()) : id;
            return List.of(prefix + shortId, shortId, prefix + shortId + SELECT_KEY_SUFFIX,
                    shortId + SELECT_KEY_SUFFIX);
        }

        /**
         * The statements to build ahead ({@link #buildAhead()}); from now on a statement the engine asks for that is
         * not on the list is counted ({@link #builtUnlisted()}).
         */
        void listAhead(List<String> ids) {
            synchronized (this) {
                listed = new LinkedHashSet<>(ids);
            }
        }

        /**
         * Builds the listed statements, one at a time, each under the lock the engine's lookups take: a lookup
         * waits for one statement at most, and builds what it needs itself when the list has not come to it yet.
         */
        void buildAhead() {
            List<String> ids;
            synchronized (this) {
                ids = listed == null ? List.of() : List.copyOf(listed);
            }
            for (String id : ids) {
                if (abandoned) {
                    return;
                }
                buildUnbuilt(id);
            }
        }

        /** No engine took this configuration: nothing more is built ahead. */
        void abandon() {
            abandoned = true;
        }

        /** Statements built for a lookup though a list was being built and did not name them. */
        Set<String> builtUnlisted() {
            synchronized (this) {
                return Set.copyOf(unlisted);
            }
        }

        /** How many statements are not built yet. */
        int unbuiltStatements() {
            return unbuiltCount;
        }

        /** Builds the statements filed under {@code id} that are not built yet. */
        private void buildUnbuilt(String id) {
            synchronized (this) {
                List<UnbuiltStatement> statements = unbuiltById.get(id);
                if (statements != null) {
                    build(List.copyOf(statements));
                }
            }
        }

        private void buildAllUnbuilt() {
            if (unbuiltCount == 0) {
                return;
            }
            synchronized (this) {
                build(List.copyOf(unbuilt));
            }
        }

        /** Builds statements as MyBatis's mapper reader does: one statement builder each, in the file's namespace. */
        private void build(List<UnbuiltStatement> statements) {
            long started = System.nanoTime();
            ErrorContext.instance().store();
            building = true;
            try {
                for (UnbuiltStatement statement : statements) {
                    List<String> ids = ids(statement);
                    unbuilt.remove(statement);
                    for (String id : ids) {
                        List<UnbuiltStatement> filed = unbuiltById.get(id);
                        filed.remove(statement);
                        if (filed.isEmpty()) {
                            unbuiltById.remove(id);
                        }
                    }
                    unbuiltCount = unbuilt.size();
                    ErrorContext.instance().resource(statement.resource());
                    MapperBuilderAssistant assistant = new MapperBuilderAssistant(this, statement.resource());
                    assistant.setCurrentNamespace(statement.namespace());
                    XMLStatementBuilder builder = new XMLStatementBuilder(this, assistant, statement.node(),
                            getDatabaseId());
                    try {
                        builder.parseStatementNode();
                    } catch (IncompleteElementException e) {
                        addIncompleteStatement(builder);
                    }
                    BUILT.incrementAndGet();
                    if (listed != null && !listed.contains(ids.get(0))) {
                        unlisted.add(ids.get(0));
                    }
                }
            } finally {
                building = false;
                ErrorContext.instance().recall();
                BUILD_NANOS.addAndGet(System.nanoTime() - started);
            }
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

        /** Builds statement {@code id} if it is not built yet, else reads the deferred files if it is missing. */
        private void buildOrReadIfMissing(String id, BooleanSupplier present) {
            if (building && Thread.holdsLock(this)) {
                return; // MyBatis's statement builder asking whether the statement it builds is there yet
            }
            if (unbuiltCount > 0 && !present.getAsBoolean()) {
                buildUnbuilt(id);
            }
            readDeferredIfMissing(id, present);
        }

        @Override
        public MappedStatement getMappedStatement(String id, boolean validateIncompleteStatements) {
            buildOrReadIfMissing(id, () -> super.hasStatement(id, validateIncompleteStatements));
            return super.getMappedStatement(id, validateIncompleteStatements);
        }

        @Override
        public boolean hasStatement(String id, boolean validateIncompleteStatements) {
            buildOrReadIfMissing(id, () -> super.hasStatement(id, validateIncompleteStatements));
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
            buildAllUnbuilt();
            readDeferred("(all statement names)");
            return super.getMappedStatementNames();
        }

        @Override
        public Collection<MappedStatement> getMappedStatements() {
            buildAllUnbuilt();
            readDeferred("(all statements)");
            return super.getMappedStatements();
        }

        @Override
        public Collection<String> getResultMapNames() {
            buildAllUnbuilt();
            readDeferred("(all result map names)");
            return super.getResultMapNames();
        }

        @Override
        public Collection<ResultMap> getResultMaps() {
            buildAllUnbuilt();
            readDeferred("(all result maps)");
            return super.getResultMaps();
        }
    }

    @Override
    public void preInit(ProcessEngineConfigurationImpl engine) {
        CompletableFuture<Configuration> read = PENDING.getAndSet(null);
        if (read != null && !handOver(read, engine)) {
            // nobody will use it: the early thread builds nothing more ahead
            read.thenAccept(configuration -> {
                if (configuration instanceof DeferringConfiguration deferring) {
                    deferring.abandon();
                }
            });
        }
    }

    /** Gives the engine the early read if it is the one the engine would make itself; false if it is not used. */
    private static boolean handOver(CompletableFuture<Configuration> read, ProcessEngineConfigurationImpl engine) {
        if (engine.getSqlSessionFactory() != null || engine.isUseSharedSqlSessionFactory()
                || engine.getDataSource() == null || !TABLE_PREFIX.equals(engine.getDatabaseTablePrefix())) {
            return false;
        }
        if (engine.getDatabaseType() == null) {
            engine.initDatabaseType();
        }
        if (!DATABASE_TYPE.equals(engine.getDatabaseType())) {
            return false;
        }
        Configuration configuration;
        long waiting = System.nanoTime();
        try {
            configuration = read.join();
        } catch (RuntimeException e) {
            return false;
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
        return true;
    }
}
