package io.kvmha.contracts.security;

import io.kvmha.contracts.event.HostCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bytes a host command's signature covers: {@value #PREFIX} followed by the command as canonical JSON.
 *
 * <p>Canonical JSON here is the command as the event JSON writes it (instants as ISO-8601 strings, enums by
 * name), without its {@code signature}, with
 * <ul>
 *   <li>object members sorted by name (recursively), so the order fields arrive in does not matter;</li>
 *   <li>null members, empty arrays and empty objects left out, so a field added to the contract later (always
 *       {@code @Nullable} or a collection) does not change the form of a command that does not use it: an
 *       older agent still verifies it, and refuses a command that uses a field it cannot read, since it would
 *       not carry it out faithfully;</li>
 *   <li>no whitespace; strings and numbers as Jackson writes them.</li>
 * </ul>
 * Every field that matters is covered: commandId, hostId, vmId, action, spec (the whole VM spec),
 * placementGeneration, incidentId, issuedBy, issuedAt, deadline, migration and autostart. The prefix separates
 * these signatures from any other use of the same key.
 */
public final class CanonicalCommand {

    /** Domain separation: a signature over a host command can never pass for a signature over anything else. */
    public static final String PREFIX = "kvmha.host.command.v1\n";

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private CanonicalCommand() {
    }

    /** The signed bytes of {@code command}; its own signature, if any, is not part of them. */
    public static byte[] bytes(HostCommand command) {
        ObjectNode tree = JSON.valueToTree(command.withSignature(null));
        byte[] json = JSON.writeValueAsBytes(canonical(tree));
        byte[] prefix = PREFIX.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[prefix.length + json.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(json, 0, all, prefix.length, json.length);
        return all;
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            members.sort(Map.Entry.comparingByKey());
            ObjectNode sorted = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> member : members) {
                JsonNode value = canonical(member.getValue());
                if (!absent(value)) {
                    sorted.set(member.getKey(), value);
                }
            }
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = JSON.createArrayNode();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        return node;
    }

    private static boolean absent(JsonNode value) {
        return value.isNull() || value.isMissingNode() || (value.isContainer() && value.isEmpty());
    }
}
