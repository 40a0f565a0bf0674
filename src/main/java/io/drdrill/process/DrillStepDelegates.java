package io.drdrill.process;

import io.drdrill.step.StepName;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One delegate bean per drill step, named as the model calls it: {@code Task_VerifyBackupDigest} runs
 * {@code ${verifyBackupDigest}}, and so on ({@link DrDrillProcess.Delegates#of}). Renaming a task in a modeller
 * changes nothing; what a task runs is written in the BPMN.
 */
@Configuration
public class DrillStepDelegates {

    @Bean
    static BeanDefinitionRegistryPostProcessor drillStepDelegateBeans() {
        return new BeanDefinitionRegistryPostProcessor() {
            @Override
            public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
                for (StepName step : StepName.values()) {
                    RootBeanDefinition delegate = new RootBeanDefinition(DrillStepDelegate.class);
                    delegate.setAutowireMode(AbstractBeanDefinition.AUTOWIRE_CONSTRUCTOR);
                    delegate.getConstructorArgumentValues().addIndexedArgumentValue(1, step);
                    registry.registerBeanDefinition(DrDrillProcess.Delegates.of(step), delegate);
                }
            }

            @Override
            public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
                // the definitions are all this adds
            }
        };
    }
}
