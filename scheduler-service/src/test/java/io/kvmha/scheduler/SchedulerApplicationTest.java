package io.kvmha.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The builder reads scheduler-service.yml and the service starts on a random port with overrides. */
class SchedulerApplicationTest {

    @Test
    void builderUsesItsOwnConfigFileAndAcceptsOverrides() {
        try (ConfigurableApplicationContext context = SchedulerApplication.builder().run(
                "--server.port=0", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
                "--spring.kafka.listener.auto-startup=false", "--kvmha.kafka.create-topics=false")) {
            assertThat(context.getEnvironment().getProperty("spring.application.name")).isEqualTo("scheduler-service");
            assertThat(context.getEnvironment().getProperty("kvmha.kafka.source")).isEqualTo("/kvmha/scheduler-service");
            assertThat(context.getBean(SchedulerProperties.class).commandTimeout()).hasSeconds(60);
            assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isPositive();
        }
    }
}
