package io.kvmha.failover.fencing;

import io.kvmha.failover.config.FailoverProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Each host's drivers from {@code kvmha.failover.fencing.hosts.<hostId>}, built once at start-up: a missing
 * credential file fails the start instead of the first fencing, and the HTTP clients (TLS set-up costs
 * most of a second) are warm when a host fails.
 */
@Component
public class FencingDrivers {

    private static final Logger log = LoggerFactory.getLogger(FencingDrivers.class);

    private final FailoverProperties.Fencing config;
    private final Map<String, List<FencingDriver>> byHost = new TreeMap<>();

    public FencingDrivers(FailoverProperties properties) {
        this.config = properties.fencing();
        config.hosts().keySet().forEach(host -> byHost.put(host, List.copyOf(build(host))));
        log.info("fencing drivers: {}; other hosts: none (self-fence fallback after {} + {})", byHost,
                config.selfFenceTimeout(), config.safetyMargin());
    }

    /** The host's drivers in order (Redfish, IPMI); empty for a host without a BMC. */
    public List<FencingDriver> forHost(String hostId) {
        return byHost.getOrDefault(hostId, List.of());
    }

    /** Hosts with at least one BMC configured. */
    public java.util.Set<String> hosts() {
        return byHost.keySet();
    }

    private List<FencingDriver> build(String hostId) {
        FailoverProperties.HostFencing host = config.hosts().get(hostId);
        List<FencingDriver> drivers = new ArrayList<>();
        if (host == null) {
            return drivers;
        }
        if (host.redfish() != null) {
            FailoverProperties.Redfish r = host.redfish();
            drivers.add(new RedfishFencingDriver(r.url(), Secret.fromFile(r.usernameFile()), Secret.fromFile(r.passwordFile()),
                    r.verifyTls(), config.requestTimeout(), config.powerOffTimeout(), config.pollInterval()));
        }
        if (host.ipmi() != null) {
            FailoverProperties.Ipmi i = host.ipmi();
            drivers.add(new IpmiFencingDriver(config.ipmitool(), i.address(), i.interfaceName() == null ? "lanplus" : i.interfaceName(),
                    Secret.fromFile(i.usernameFile()), i.passwordFile(), config.requestTimeout(), config.powerOffTimeout(),
                    config.pollInterval()));
        }
        return drivers;
    }
}
