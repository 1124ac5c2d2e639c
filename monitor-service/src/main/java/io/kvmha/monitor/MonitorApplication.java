package io.kvmha.monitor;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The monitor service: alerts from the event streams, cluster metrics for Grafana. */
@SpringBootApplication
public class MonitorApplication {

    /** Reads {@code monitor-service.yml}, so that every service can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MonitorApplication.class).properties("spring.config.name=monitor-service");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
