package io.kvmha.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The secure compose profile's provisioning tables, deploy/compose/kafka-secure/{topics,acls}.tsv. */
final class SecureProfileFiles {

    static final Path DIR = Path.of("..").toAbsolutePath().normalize().resolve("deploy/compose/kafka-secure");

    /** One topic of topics.tsv; retention "-" = none. */
    record TopicRow(String name, int partitions, String cleanup, String retentionMs) {
    }

    /** One grant of acls.tsv. */
    record Acl(String principal, String operation, String type, String pattern, String name) {
    }

    private SecureProfileFiles() {
    }

    static List<TopicRow> topics() throws IOException {
        return rows("topics.tsv").stream().map(r -> new TopicRow(r[0], Integer.parseInt(r[1]), r[2], r[3])).toList();
    }

    static List<Acl> acls() throws IOException {
        return rows("acls.tsv").stream().map(r -> new Acl(r[0], r[1], r[2], r[3], r[4])).toList();
    }

    private static List<String[]> rows(String file) throws IOException {
        return Files.readAllLines(DIR.resolve(file)).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("\t"))
                .toList();
    }
}
