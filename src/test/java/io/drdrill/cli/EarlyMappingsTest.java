package io.drdrill.cli;

import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ResultMap;
import org.apache.ibatis.mapping.SqlCommandType;
import org.apache.ibatis.scripting.defaults.RawSqlSource;
import org.apache.ibatis.session.Configuration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's MyBatis mappings read early, with some files deferred, end up as exactly the engine's own read: the
 * same statements and result maps, the deferred ones read on the first lookup that misses, once; each statement
 * built, as MyBatis builds it, when first asked for or ahead from the drill's list.
 */
class EarlyMappingsTest {

    @Test
    void theEarlyReadWithItsDeferredFilesHoldsExactlyTheStatementsAndResultMapsOfTheEnginesOwnRead() throws Exception {
        // Given the engine's own read of its mappings for the headless database, and the early read
        Configuration engines = enginesOwnRead();
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);
        assertThat(early.deferred()).hasSize(EarlyMappings.DEFERRED.size());
        assertThat(early.statementsRead()).isLessThan(engines.getMappedStatementNames().size());

        // When every statement and result map is asked for
        Set<String> statements = new HashSet<>(early.getMappedStatementNames());
        Set<String> resultMaps = new HashSet<>(early.getResultMapNames());

        // Then they are the engine's, built alike, and nothing is left deferred or unbuilt
        assertThat(statements).isEqualTo(new HashSet<>(engines.getMappedStatementNames()));
        assertThat(resultMaps).isEqualTo(new HashSet<>(engines.getResultMapNames()));
        assertThat(early.deferred()).isEmpty();
        assertThat(early.unbuiltStatements()).isZero();
        assertThat(built(early)).isEqualTo(built(engines));
    }

    @Test
    void aStatementReadEarlyIsBuiltWhenTheEngineFirstAsksForItByItsFullOrShortId() throws Exception {
        // Given the early read, whose statements are parsed but not built
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);
        int unbuilt = early.unbuiltStatements();
        assertThat(unbuilt).isGreaterThan(500);

        // When the engine asks for one statement by its full id and another by its short id
        MappedStatement property = early.getMappedStatement(
                "org.camunda.bpm.engine.impl.persistence.entity.PropertyEntity.selectProperty");
        boolean job = early.hasStatement("selectJob");

        // Then those two were built, as MyBatis builds them, and only they; a missing id builds nothing
        assertThat(property.getResource()).endsWith("entity/Property.xml");
        assertThat(property.getSqlCommandType()).isEqualTo(SqlCommandType.SELECT);
        assertThat(job).isTrue();
        assertThat(early.unbuiltStatements()).isEqualTo(unbuilt - 2);
        assertThat(early.hasStatement("noSuchStatement")).isFalse();
        assertThat(early.unbuiltStatements()).isEqualTo(unbuilt - 2);
        assertThat(fingerprint(early.getMappedStatement("selectJob")))
                .isEqualTo(fingerprint(enginesOwnRead().getMappedStatement("selectJob")));
    }

    @Test
    void theStatementsBuiltAheadAreAllStatementsOfTheEngine() throws Exception {
        // Given the list of statements built ahead for a drill
        List<String> listed = EarlyMappings.listed(EarlyMappings.DRILL_STATEMENTS);
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);
        int unbuilt = early.unbuiltStatements();

        // When they are built ahead
        early.listAhead(listed);
        early.buildAhead();

        // Then each named one statement read early, which is now built, and nothing deferred was read
        assertThat(listed).hasSizeGreaterThan(50).doesNotHaveDuplicates();
        assertThat(early.unbuiltStatements()).isEqualTo(unbuilt - listed.size());
        assertThat(early.deferred()).hasSize(EarlyMappings.DEFERRED.size());
        assertThat(early.builtUnlisted()).isEmpty();
    }

    @Test
    void anEarlyReadNoEngineTookBuildsNothingAhead() throws Exception {
        // Given an early read with the drill's list, which an engine on another database did not take
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);
        int unbuilt = early.unbuiltStatements();
        early.listAhead(EarlyMappings.listed(EarlyMappings.DRILL_STATEMENTS));
        early.abandon();

        // When the early thread comes to build the list ahead
        early.buildAhead();

        // Then it builds none of it
        assertThat(early.unbuiltStatements()).isEqualTo(unbuilt);
    }

    /** What a built statement is made of, beyond object identity: its kind, SQL source, maps and key settings. */
    private static String fingerprint(MappedStatement statement) {
        String sql = statement.getSqlSource().getClass().getSimpleName();
        if (statement.getSqlSource() instanceof RawSqlSource raw) {
            sql += ":" + raw.getBoundSql(null).getSql();
        }
        return String.join("|", statement.getId(), statement.getResource(), statement.getSqlCommandType().name(),
                statement.getStatementType().name(), sql, String.valueOf(statement.getParameterMap().getId()),
                statement.getResultMaps().stream().map(ResultMap::getId).toList().toString(),
                statement.getKeyGenerator().getClass().getSimpleName(),
                Arrays.toString(statement.getKeyProperties()), String.valueOf(statement.isFlushCacheRequired()),
                String.valueOf(statement.isUseCache()), String.valueOf(statement.getResultSetType()),
                String.valueOf(statement.getFetchSize()), String.valueOf(statement.getTimeout()),
                String.valueOf(statement.getDatabaseId()), statement.getLang().getClass().getSimpleName());
    }

    private static Map<String, String> built(Configuration configuration) {
        Map<String, String> byId = new TreeMap<>();
        for (Object statement : configuration.getMappedStatements()) {
            if (statement instanceof MappedStatement mapped) { // the short-name entries of ambiguous ids are not
                byId.put(mapped.getId(), fingerprint(mapped));
            }
        }
        return byId;
    }

    @Test
    void aLookupOfADeferredStatementReadsTheDeferredFilesOnceAndFindsIt() throws Exception {
        // Given the early read, which has not read Filter.xml
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);
        int before = early.statementsRead();
        int lateReads = EarlyMappings.lateReads();

        // When the engine asks for a statement of a deferred file, and then for one read early
        boolean found = early.hasStatement("insertFilter");

        // Then the deferred files were read once, for that statement, and both are there
        assertThat(found).isTrue();
        assertThat(early.getMappedStatement("selectProperty")).isNotNull();
        assertThat(early.statementsRead()).isGreaterThan(before);
        assertThat(EarlyMappings.lateReads()).isEqualTo(lateReads + 1);
        assertThat(EarlyMappings.lateReadFor()).isEqualTo("insertFilter");
        assertThat(early.hasStatement("noSuchStatement")).isFalse();
        assertThat(EarlyMappings.lateReads()).isEqualTo(lateReads + 1);
    }

    @Test
    void aStatementReadEarlyIsFoundWithoutReadingTheDeferredFiles() throws Exception {
        // Given the early read
        EarlyMappings.DeferringConfiguration early = (EarlyMappings.DeferringConfiguration)
                EarlyMappings.parse(EarlyMappings.DATABASE_TYPE, EarlyMappings.TABLE_PREFIX);

        // When the engine asks for statements a drill uses
        early.getMappedStatement("insertHistoricProcessInstanceEvent");
        early.getMappedStatement("selectJob");
        early.getResultMap("org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity.executionResultMap");

        // Then nothing deferred was read
        assertThat(early.deferred()).hasSize(EarlyMappings.DEFERRED.size());
    }

    private static Configuration enginesOwnRead() throws Exception {
        Properties properties = new Properties();
        properties.put("prefix", EarlyMappings.TABLE_PREFIX);
        ProcessEngineConfigurationImpl.initSqlSessionFactoryProperties(properties, EarlyMappings.TABLE_PREFIX,
                EarlyMappings.DATABASE_TYPE);
        try (InputStream in = ProcessEngineConfigurationImpl.class.getClassLoader()
                .getResourceAsStream(ProcessEngineConfigurationImpl.DEFAULT_MYBATIS_MAPPING_FILE)) {
            return new XMLConfigBuilder(new InputStreamReader(in, StandardCharsets.UTF_8), "", properties).parse();
        }
    }
}
