package io.kvmha.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvmha.contracts.event.HaPolicy;
import io.kvmha.contracts.event.Tier;
import io.kvmha.contracts.event.VmSpec;
import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class DomainXmlBuilderTest {

    static final VmSpec SPEC = new VmSpec("7b0c6c2e-4f0e-4b1a-9d0e-2f7a4c1b9e01", "web-1", 2, 512, Tier.GOLD,
            HaPolicy.RESTART, 10, Map.of("app", "web"), Instant.parse("2026-11-27T12:00:00Z"));

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    static String xpath(Document doc, String expression) throws Exception {
        XPath xpath = XPathFactory.newInstance().newXPath();
        return xpath.evaluate(expression, doc);
    }

    @ParameterizedTest
    @EnumSource(DomainType.class)
    void describesTheVmForEveryDomainType(DomainType type) throws Exception {
        Document doc = parse(DomainXmlBuilder.toXml(SPEC, type));

        assertThat(xpath(doc, "/domain/@type")).isEqualTo(type.xmlName());
        assertThat(xpath(doc, "/domain/uuid")).isEqualTo(SPEC.vmId());
        assertThat(xpath(doc, "/domain/name")).isEqualTo("web-1");
        assertThat(xpath(doc, "/domain/memory")).isEqualTo("512");
        assertThat(xpath(doc, "/domain/memory/@unit")).isEqualTo("MiB");
        assertThat(xpath(doc, "/domain/vcpu")).isEqualTo("2");
        assertThat(xpath(doc, "/domain/on_crash")).isEqualTo("destroy");
        assertThat(xpath(doc, "count(/domain/devices/disk)")).isEqualTo("0");
        assertThat(xpath(doc, "/domain/metadata/*[local-name()='vm']/*[local-name()='tier']")).isEqualTo("GOLD");
    }

    @Test
    void bootsTheGivenKernelAndAppendsTheSerialPortToTheSharedLog() throws Exception {
        Document doc = parse(DomainXmlBuilder.toXml(SPEC, DomainType.KVM, java.util.List.of(),
                new GuestBoot("/shared/counter.img", "/shared/serial")));
        assertThat(xpath(doc, "/domain/os/kernel")).isEqualTo("/shared/counter.img");
        assertThat(xpath(doc, "/domain/devices/serial/@type")).isEqualTo("file");
        assertThat(xpath(doc, "/domain/devices/serial/source/@path")).isEqualTo("/shared/serial/" + SPEC.vmId() + ".log");
        assertThat(xpath(doc, "/domain/devices/serial/source/@append")).isEqualTo("on");
    }

    @Test
    void withoutGuestBootThereIsNoKernelAndNoDevice() throws Exception {
        Document doc = parse(DomainXmlBuilder.toXml(SPEC, DomainType.KVM));
        assertThat(xpath(doc, "count(/domain/os/kernel)")).isEqualTo("0");
        assertThat(xpath(doc, "count(/domain/devices)")).isEqualTo("0");
    }

    @Test
    void isAPureFunction() {
        assertThat(DomainXmlBuilder.toXml(SPEC, DomainType.KVM)).isEqualTo(DomainXmlBuilder.toXml(SPEC, DomainType.KVM));
    }

    @Test
    void escapesNames() throws Exception {
        VmSpec spec = new VmSpec(SPEC.vmId(), "a<b>&'\"", 1, 64, Tier.BRONZE, HaPolicy.NONE, 0, Map.of(), SPEC.createdAt());
        assertThat(xpath(parse(DomainXmlBuilder.toXml(spec, DomainType.TEST)), "/domain/name")).isEqualTo("a<b>&'\"");
    }
}
