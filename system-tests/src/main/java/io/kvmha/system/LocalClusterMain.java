package io.kvmha.system;

import io.kvmha.contracts.event.Alert;
import io.kvmha.contracts.event.CommandResult;
import io.kvmha.contracts.event.HostHealthChange;
import io.kvmha.contracts.event.KvmHaEvent;
import io.kvmha.contracts.event.Placement;
import io.kvmha.contracts.event.RecoveryRecord;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev/run}: starts a local cluster, seeds VMs across the tiers, prints where to look and,
 * with {@code --demo-failure}, powers a host off and prints the recovery as it happens.
 */
public final class LocalClusterMain {

    private record Args(int hosts, int vms, boolean demoFailure, Duration duration) {
    }

    private volatile Instant failureAt;

    public static void main(String[] argv) throws Exception {
        Args args;
        try {
            args = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("dev/run: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (args == null) {
            System.out.println(usage());
            return;
        }
        new LocalClusterMain().run(args);
    }

    private void run(Args args) throws Exception {
        System.out.printf("starting kvm-ha locally: in-process Kafka, scheduler, failover, monitor, %d simulated hosts with Redfish BMCs%n",
                args.hosts());
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Options(args.hosts(), true, List.of()).withBmc());
             ClusterEventTail tail = new ClusterEventTail(cluster.bootstrapServers(),
                     List.of(Topic.HOST_HEALTH, Topic.RECOVERIES, Topic.ALERTS, Topic.PLACEMENTS,
                             Topic.COMMAND_RESULTS), this::print);
             DomainSampler sampler = new DomainSampler(cluster, 20)) {
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            JsonHttp http = new JsonHttp();
            awaitHosts(http, cluster, args.hosts());
            awaitHeard(http, cluster, args.hosts());
            List<String> vmIds = seed(http, cluster, args.vms());
            awaitRunning(sampler, vmIds, Duration.ofSeconds(30));
            System.out.printf("%n%d VMs running. Where to look:%n", vmIds.size());
            System.out.printf("  VMs and hosts (REST):   %s/api/v1/vms   %s/api/v1/hosts%n", cluster.schedulerUrl(), cluster.schedulerUrl());
            System.out.printf("  incidents (REST):       %s/api/v1/incidents%n", cluster.failoverUrl());
            System.out.printf("  metrics (Prometheus):   %s/actuator/prometheus (also :8082, :8083)%n", cluster.monitorUrl());
            System.out.printf("  alerts (REST):          %s/api/v1/alerts   (Kafka topic %s on %s)%n", cluster.monitorUrl(),
                    Topic.Names.ALERTS, cluster.bootstrapServers());
            System.out.printf("  BMCs (Redfish):         %s/redfish/v1/Systems%n", cluster.bmc().baseUri());
            System.out.println("  the CLI:                bin/kvmha status, bin/kvmha alerts   (bin/kvmha --help)");
            if (args.demoFailure()) {
                demoFailure(sampler, cluster, vmIds);
            } else {
                System.out.println("Run again with --demo-failure to power a host off and watch the recovery.");
            }
            System.out.println(args.duration() == null ? "Ctrl-C stops the cluster." : "stopping after " + args.duration());
            if (args.duration() == null) {
                stop.await();
            } else {
                stop.await(args.duration().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Where each VM runs is read from every host's hypervisor (the sampler), not from what agents report. */
    private void demoFailure(DomainSampler sampler, LocalCluster cluster, List<String> vmIds) throws InterruptedException {
        Map<String, String> hostOf = new LinkedHashMap<>();
        for (String vm : vmIds) {
            sampler.hostsRunning(vm).stream().findFirst().ifPresent(h -> hostOf.put(vm, h));
        }
        String victim = cluster.runningHosts().stream()
                .max(Comparator.comparingLong(h -> hostOf.values().stream().filter(h::equals).count()))
                .orElseThrow();
        List<String> victims = hostOf.entrySet().stream().filter(e -> e.getValue().equals(victim))
                .map(Map.Entry::getKey).toList();
        System.out.printf("%n== power loss: host %s with %d VMs ==%n", victim, victims.size());
        failureAt = Instant.now();
        cluster.powerLoss(victim);
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            boolean allElsewhere = victims.stream().allMatch(vm -> {
                var hosts = sampler.hostsRunning(vm);
                return hosts.size() == 1 && !hosts.contains(victim);
            });
            if (allElsewhere) {
                double took = seconds(failureAt, Instant.now());
                Thread.sleep(300); // let the last events of the timeline print
                List<DomainSampler.DoubleRun> doubleRuns = sampler.doubleRuns();
                System.out.printf("== all %d VMs of %s run elsewhere, %.2f s after the power loss; %s (%d samples) ==%n%n",
                        victims.size(), victim, took, doubleRuns.isEmpty() ? "never on two hosts"
                                : "SEEN ON TWO HOSTS: " + DomainSampler.describe(doubleRuns), sampler.samples());
                return;
            }
            Thread.sleep(20);
        }
        System.out.println("== recovery did not finish within 60 s: see the incident at /api/v1/incidents ==");
    }

    private void print(ClusterEventTail.Seen seen) {
        Instant start = failureAt;
        if (start == null) {
            return;
        }
        String line = describe(seen.event());
        if (line != null) {
            System.out.printf("  +%6.3f s  %s%n", seconds(start, seen.at()), line);
        }
    }

    private static String describe(KvmHaEvent event) {
        if (event instanceof HostHealthChange h) {
            return "host " + h.hostId() + ": " + h.previous() + " -> " + h.current() + " " + h.evidence();
        }
        if (event instanceof RecoveryRecord r) {
            return "incident " + r.incidentId() + " " + r.status() + " fencing=" + r.fencing()
                    + (r.timeline().isEmpty() ? "" : " last: " + r.timeline().get(r.timeline().size() - 1).phase());
        }
        if (event instanceof Alert a) {
            return "alert " + a.name() + " " + a.status() + " " + a.labels();
        }
        if (event instanceof Placement p && p.incidentId() != null) {
            return "placed vm " + p.vmId() + " on " + p.hostId() + " (" + p.reason() + ")";
        }
        if (event instanceof CommandResult c && c.incidentId() != null) {
            return "host " + c.hostId() + " " + c.action() + " vm " + c.vmId() + " " + c.outcome()
                    + " in " + c.durationMs() + " ms";
        }
        return null;
    }

    private static void awaitHeard(JsonHttp http, LocalCluster cluster, int hosts) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (hostsHeard(http, cluster) >= hosts) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the failover service did not hear " + hosts + " hosts within 30 s");
    }

    private static void awaitHosts(JsonHttp http, LocalCluster cluster, int hosts) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            JsonHttp.Response response = http.get(cluster.schedulerUrl() + "/api/v1/hosts");
            if (response.status() == 200 && response.body().size() >= hosts) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the scheduler did not see " + hosts + " hosts within 30 s");
    }

    /** Hosts the failover service has heard from and judges ONLINE. */
    static int hostsHeard(JsonHttp http, LocalCluster cluster) {
        JsonHttp.Response response = http.get(cluster.failoverUrl() + "/api/v1/hosts");
        if (response.status() != 200) {
            return 0;
        }
        int heard = 0;
        for (var host : response.body()) {
            if (host.get("heard").asBoolean() && "ONLINE".equals(host.get("state").asText())) {
                heard++;
            }
        }
        return heard;
    }

    private static List<String> seed(JsonHttp http, LocalCluster cluster, int count) {
        List<String> ids = new ArrayList<>();
        Tier[] tiers = Tier.values();
        for (int i = 0; i < count; i++) {
            Tier tier = tiers[i % tiers.length];
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", tier.name().toLowerCase() + "-" + (i + 1));
            spec.put("vcpus", 1);
            spec.put("memoryMib", 256);
            spec.put("tier", tier.name());
            spec.put("haPolicy", "RESTART");
            JsonHttp.Response response = http.post(cluster.schedulerUrl() + "/api/v1/vms", spec);
            if (response.status() != 201) {
                throw new IllegalStateException("creating " + spec.get("name") + " failed: " + response.status() + " " + response.body());
            }
            ids.add(response.body().get("vmId").asText());
            System.out.printf("  created %-10s %-6s on %s%n", spec.get("name"), tier, response.body().get("hostId").asText());
        }
        return ids;
    }

    private static void awaitRunning(DomainSampler sampler, List<String> vmIds, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (vmIds.stream().allMatch(vm -> sampler.hostsRunning(vm).size() == 1)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not every seeded VM was running within " + timeout);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static Args parse(String[] argv) {
        int hosts = 3;
        int vms = 6;
        boolean demo = false;
        Duration duration = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--hosts" -> hosts = positive(argv, ++i, "--hosts");
                case "--vms" -> vms = positive(argv, ++i, "--vms");
                case "--demo-failure" -> demo = true;
                case "--duration" -> duration = Duration.ofSeconds(positive(argv, ++i, "--duration"));
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        if (demo && hosts < 2) {
            throw new IllegalArgumentException("--demo-failure needs at least 2 hosts, got --hosts " + hosts);
        }
        return new Args(hosts, vms, demo, duration);
    }

    private static int positive(String[] argv, int i, String option) {
        if (i >= argv.length) {
            throw new IllegalArgumentException(option + " needs a number");
        }
        try {
            int value = Integer.parseInt(argv[i]);
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a positive whole number, got '" + argv[i] + "'");
        }
    }

    private static String usage() {
        return """
                usage: dev/run [--hosts N] [--vms N] [--demo-failure] [--duration SECONDS]
                  --hosts N          simulated KVM hosts on libvirt's test driver (default 3)
                  --vms N            VMs to create across the gold, silver and bronze tiers (default 6)
                  --demo-failure     power off the busiest host and print its recovery as it happens
                  --duration SECONDS stop by itself after that long (default: run until Ctrl-C)""";
    }
}
