package io.kvmha.agent.bench;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A Kafka broker in a process of its own for {@code bench/agent-footprint}: the agent under
 * measurement then shares its JVM with nothing. Prints {@code BROKERS=host:port} and runs until killed
 * or until its standard input closes.
 */
public final class BenchBroker {

    private BenchBroker() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        System.out.println("BROKERS=" + broker.getBrokersAsString());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until stdin closes
        }
        broker.destroy();
    }
}
