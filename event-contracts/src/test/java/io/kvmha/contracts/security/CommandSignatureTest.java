package io.kvmha.contracts.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.kvmha.contracts.codec.EventJson;
import io.kvmha.contracts.event.HostCommand;
import io.kvmha.contracts.security.CommandVerifier.Reason;
import io.kvmha.contracts.security.CommandVerifier.Verdict;
import io.kvmha.contracts.testing.SampleEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Every way a command can be refused, and the canonical form's stability. */
class CommandSignatureTest {

    private static final Instant NOW = SampleEvents.AT;
    private final KeyPair controlPlane = keyPair();
    private final CommandSigner signer = new CommandSigner("control-plane", controlPlane.getPrivate());
    private final CommandVerifier verifier = new CommandVerifier(Map.of("control-plane", controlPlane.getPublic()), 100);

    static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HostCommand command(String commandId) {
        return new HostCommand(commandId, "h1", SampleEvents.VM_ID, HostCommand.Action.DEFINE_AND_START,
                SampleEvents.vmSpec(), 3, "inc-1", "failover-service", NOW, NOW.plusSeconds(60));
    }

    @Test
    void aSignedCommandVerifies() {
        Verdict verdict = verifier.verify(signer.sign(command("c1")), NOW);
        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.redelivered()).isFalse();
    }

    @Test
    void anUnsignedCommandIsRefused() {
        assertThat(verifier.verify(command("c1"), NOW).rejection()).isEqualTo(Reason.UNSIGNED);
    }

    @Test
    void aKeyIdTheAgentDoesNotTrustIsRefused() {
        HostCommand signed = new CommandSigner("someone-else", keyPair().getPrivate()).sign(command("c1"));
        Verdict verdict = verifier.verify(signed, NOW);
        assertThat(verdict.rejection()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(verdict.detail()).contains("someone-else");
    }

    @Test
    void aSignatureByAnotherKeyUnderATrustedIdIsRefused() {
        HostCommand forged = new CommandSigner("control-plane", keyPair().getPrivate()).sign(command("c1"));
        assertThat(verifier.verify(forged, NOW).rejection()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void changingAnyFieldThatMattersBreaksTheSignature() {
        HostCommand signed = signer.sign(command("c1"));
        HostCommand.Signature signature = signed.signature();
        List<HostCommand> tampered = List.of(
                new HostCommand("c1", "h2", signed.vmId(), signed.action(), signed.spec(), 3, "inc-1",
                        "failover-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), HostCommand.Action.START, signed.spec(), 3, "inc-1",
                        "failover-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(), signed.spec(), 4, "inc-1",
                        "failover-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(), signed.spec(), 3, null,
                        "failover-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(), signed.spec(), 3, "inc-1",
                        "scheduler-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(), signed.spec(), 3, "inc-1",
                        "failover-service", NOW, NOW.plusSeconds(3600), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(),
                        new io.kvmha.contracts.event.VmSpec(SampleEvents.VM_ID, "web-1", 2, 65536,
                                io.kvmha.contracts.event.Tier.GOLD, io.kvmha.contracts.event.HaPolicy.RESTART, 10,
                                Map.of("app", "web"), NOW),
                        3, "inc-1", "failover-service", NOW, NOW.plusSeconds(60), null, null, signature),
                new HostCommand("c1", "h1", signed.vmId(), signed.action(), signed.spec(), 3, "inc-1",
                        "failover-service", NOW, NOW.plusSeconds(60), null, true, signature));
        for (HostCommand t : tampered) {
            assertThat(verifier.verify(t, NOW).rejection()).as(t.toString()).isEqualTo(Reason.BAD_SIGNATURE);
        }
    }

    @Test
    void aSignatureThatIsNotBase64OrTooShortIsABadSignature() {
        HostCommand signed = command("c1");
        assertThat(verifier.verify(signed.withSignature(new HostCommand.Signature("control-plane", "not base64!")), NOW)
                .rejection()).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(verifier.verify(signed.withSignature(new HostCommand.Signature("control-plane", "AAAA")), NOW)
                .rejection()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void aCommandFirstSeenPastItsDeadlineIsExpired() {
        Verdict verdict = verifier.verify(signer.sign(command("c1")), NOW.plusSeconds(61));
        assertThat(verdict.rejection()).isEqualTo(Reason.EXPIRED);
        assertThat(verdict.detail()).contains("deadline");
    }

    @Test
    void theSameCommandAgainIsARedeliveryEvenPastItsDeadline() {
        HostCommand signed = signer.sign(command("c1"));
        assertThat(verifier.verify(signed, NOW).accepted()).isTrue();
        Verdict again = verifier.verify(signed, NOW.plusSeconds(120));
        assertThat(again.accepted()).isTrue();
        assertThat(again.redelivered()).isTrue();
    }

    @Test
    void aKnownCommandIdWithOtherContentIsReplayedEvenWhenValidlySigned() {
        assertThat(verifier.verify(signer.sign(command("c1")), NOW).accepted()).isTrue();
        HostCommand reused = signer.sign(new HostCommand("c1", "h1", SampleEvents.VM_ID, HostCommand.Action.DESTROY,
                null, 3, "inc-1", "failover-service", NOW, NOW.plusSeconds(60)));
        assertThat(verifier.verify(reused, NOW).rejection()).isEqualTo(Reason.REPLAYED);
    }

    @Test
    void refusedCommandsAreNotRememberedAndTheMemoryIsBounded() {
        CommandVerifier small = new CommandVerifier(Map.of("control-plane", controlPlane.getPublic()), 2);
        assertThat(small.verify(signer.sign(command("late")), NOW.plusSeconds(61)).rejection()).isEqualTo(Reason.EXPIRED);
        assertThat(small.verify(signer.sign(command("late")), NOW).accepted()).isTrue();
        small.verify(signer.sign(command("c2")), NOW);
        small.verify(signer.sign(command("c3")), NOW);
        // "late" was forgotten: another content under its id is no longer detected here (its deadline still guards).
        HostCommand reused = signer.sign(new HostCommand("late", "h1", SampleEvents.VM_ID, HostCommand.Action.DESTROY,
                null, 3, null, "failover-service", NOW, NOW.plusSeconds(60)));
        assertThat(small.verify(reused, NOW).accepted()).isTrue();
    }

    @Test
    void theCanonicalFormDoesNotDependOnJsonFieldOrderOrTheSignature() {
        HostCommand signed = signer.sign(command("c1"));
        EventJson json = new EventJson();
        JsonMapper mapper = JsonMapper.builder().build();
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = mapper.readValue(json.write(signed), Map.class);
            List<String> names = new ArrayList<>(fields.keySet());
            Collections.shuffle(names, random);
            Map<String, Object> shuffled = new LinkedHashMap<>();
            names.forEach(n -> shuffled.put(n, fields.get(n)));
            HostCommand read = json.read(mapper.writeValueAsBytes(shuffled), HostCommand.class);
            assertThat(CanonicalCommand.bytes(read)).isEqualTo(CanonicalCommand.bytes(signed));
            assertThat(verifier.verify(read, NOW).accepted()).isTrue();
        }
        assertThat(CanonicalCommand.bytes(signed)).isEqualTo(CanonicalCommand.bytes(command("c1")));
    }

    @Test
    void theCanonicalFormIsPrefixedSortedCompactJsonWithoutNullsOrEmptyCollections() {
        String form = new String(CanonicalCommand.bytes(command("c1")), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(form).startsWith(CanonicalCommand.PREFIX + "{\"action\":\"DEFINE_AND_START\",\"commandId\":\"c1\"");
        assertThat(form).doesNotContain("null", "[]", "{}", " ", "signature", "migration", "autostart");
        assertThat(form).contains("\"deadline\":\"2026-11-27T12:01:00Z\"", "\"spec\":{\"createdAt\"");
    }

    @Test
    void keysRoundTripThroughPemFiles(@TempDir Path dir) throws Exception {
        Path[] files = CommandKeyGenerator.generate(dir, "cp-2026");
        assertThat(files[0]).hasFileName("cp-2026.key.pem");
        assertThat(Files.readString(files[0])).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(files[1])).startsWith("-----BEGIN PUBLIC KEY-----");
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(files[0]))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        CommandSigner fromFile = new CommandSigner("cp-2026", PemKeys.readPrivateKey(files[0]));
        CommandVerifier withFile = new CommandVerifier(Map.of("cp-2026", PemKeys.readPublicKey(files[1])), 10);
        assertThat(withFile.verify(fromFile.sign(command("c1")), NOW).accepted()).isTrue();
    }

    @Test
    void keysWrittenByOpensslAreRead(@TempDir Path dir) throws Exception {
        assumeThat(Path.of("/usr/bin/openssl")).exists();
        Path key = dir.resolve("k.pem");
        Path pub = dir.resolve("k.pub.pem");
        assertThat(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString())).isZero();
        assertThat(run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())).isZero();
        CommandVerifier withOpenssl = new CommandVerifier(Map.of("ossl", PemKeys.readPublicKey(pub)), 10);
        HostCommand signed = new CommandSigner("ossl", PemKeys.readPrivateKey(key)).sign(command("c1"));
        assertThat(withOpenssl.verify(signed, NOW).accepted()).isTrue();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
