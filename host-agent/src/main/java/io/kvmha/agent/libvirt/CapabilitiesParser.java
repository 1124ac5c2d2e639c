package io.kvmha.agent.libvirt;

import io.kvmha.contracts.event.HostInventory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Reads the host part of libvirt's capabilities XML: host UUID, CPU model and the NUMA topology
 * (cells with memory, hugepage pools and CPUs with socket, core and siblings).
 *
 * <p>Free hugepages are not in the capabilities and libvirt-java 0.5.2 has no binding for
 * virNodeGetFreePages, so a pool's {@code free} is reported equal to its {@code total}; placement
 * accounts hugepages in its own ledger.
 */
final class CapabilitiesParser {

    /** The host facts found in a capabilities document. */
    record HostCapabilities(String hostUuid, String cpuModel, List<HostInventory.NumaCell> cells) {
    }

    private static final long BASE_PAGE_KIB = 4;

    private CapabilitiesParser() {
    }

    static HostCapabilities parse(String capabilitiesXml) {
        Element host = child(parseDocument(capabilitiesXml).getDocumentElement(), "host");
        if (host == null) {
            return new HostCapabilities(null, null, List.of());
        }
        String uuid = text(child(host, "uuid"));
        String model = text(child(child(host, "cpu"), "model"));
        List<HostInventory.NumaCell> cells = new ArrayList<>();
        Element cellsElement = child(child(host, "topology"), "cells");
        for (Element cell : children(cellsElement, "cell")) {
            cells.add(cell(cell));
        }
        return new HostCapabilities(uuid, model, cells);
    }

    private static HostInventory.NumaCell cell(Element cell) {
        int id = Integer.parseInt(cell.getAttribute("id"));
        long memoryBytes = bytes(child(cell, "memory"));
        List<HostInventory.HugepagePool> pools = new ArrayList<>();
        for (Element pages : children(cell, "pages")) {
            long sizeKib = kib(Long.parseLong(pages.getAttribute("size")), pages.getAttribute("unit"));
            if (sizeKib > BASE_PAGE_KIB) {
                long total = Long.parseLong(pages.getTextContent().trim());
                pools.add(new HostInventory.HugepagePool(sizeKib, total, total));
            }
        }
        List<HostInventory.Cpu> cpus = new ArrayList<>();
        for (Element cpu : children(child(cell, "cpus"), "cpu")) {
            int cpuId = Integer.parseInt(cpu.getAttribute("id"));
            cpus.add(new HostInventory.Cpu(cpuId, intAttribute(cpu, "socket_id"), intAttribute(cpu, "core_id"),
                    cpu.hasAttribute("siblings") ? cpuList(cpu.getAttribute("siblings")) : List.of(cpuId)));
        }
        return new HostInventory.NumaCell(id, memoryBytes, 0, cpus, pools);
    }

    /** Parses libvirt's CPU list syntax: {@code 0,4} or {@code 0-3,8-11}. */
    static List<Integer> cpuList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash < 0) {
                cpus.add(Integer.parseInt(p));
            } else {
                int from = Integer.parseInt(p.substring(0, dash).trim());
                int to = Integer.parseInt(p.substring(dash + 1).trim());
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            }
        }
        return cpus;
    }

    private static long bytes(Element memory) {
        if (memory == null) {
            return 0;
        }
        return kib(Long.parseLong(memory.getTextContent().trim()), memory.getAttribute("unit")) * 1024;
    }

    private static long kib(long value, String unit) {
        return switch (unit == null || unit.isEmpty() ? "KiB" : unit) {
            case "b", "bytes" -> value / 1024;
            case "MiB", "M" -> value * 1024;
            case "GiB", "G" -> value * 1024 * 1024;
            default -> value; // libvirt reports KiB
        };
    }

    private static int intAttribute(Element element, String name) {
        return element.hasAttribute(name) ? Integer.parseInt(element.getAttribute(name)) : 0;
    }

    private static Document parseDocument(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable capabilities XML: " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getTagName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && name.equals(e.getTagName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element element) {
        return element == null ? null : element.getTextContent().trim();
    }
}
