package io.drdrill.cli;

import org.apache.ibatis.builder.xml.XMLConfigBuilder;
import org.apache.ibatis.session.Configuration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's MyBatis mappings read early, with some files deferred, end up as exactly the engine's own read: the
 * same statements and result maps, the deferred ones read on the first lookup that misses, once.
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

        // Then they are the engine's, and nothing is left deferred
        assertThat(statements).isEqualTo(new HashSet<>(engines.getMappedStatementNames()));
        assertThat(resultMaps).isEqualTo(new HashSet<>(engines.getResultMapNames()));
        assertThat(early.deferred()).isEmpty();
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
