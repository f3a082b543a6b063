package dev.kubepath.ingest;

import java.util.Map;

/**
 * Port names the tools print without {@code -n} ({@code ipvsadm -L}'s {@code :http}, {@code iptables -L}'s
 * {@code dpt:https}), each one port on every common distribution's /etc/services. A name outside this list is not
 * resolved: which port it is depends on the host that printed it.
 */
final class ServiceNames {
    private ServiceNames() {}

    private static final Map<String, Integer> PORTS = Map.ofEntries(
            Map.entry("ftp", 21), Map.entry("ssh", 22), Map.entry("telnet", 23), Map.entry("smtp", 25), Map.entry("domain", 53),
            Map.entry("http", 80), Map.entry("kerberos", 88), Map.entry("pop3", 110), Map.entry("sunrpc", 111), Map.entry("ntp", 123),
            Map.entry("imap2", 143), Map.entry("snmp", 161), Map.entry("ldap", 389), Map.entry("https", 443), Map.entry("microsoft-ds", 445),
            Map.entry("ldaps", 636), Map.entry("imaps", 993), Map.entry("pop3s", 995), Map.entry("mysql", 3306), Map.entry("postgresql", 5432),
            Map.entry("amqp", 5672), Map.entry("redis", 6379), Map.entry("http-alt", 8080), Map.entry("webcache", 8080),
            Map.entry("bacula-fd", 9102), Map.entry("zabbix-agent", 10050));

    /** A port number as text, or the number of a well-known name. */
    static String port(String text) {
        if (!text.isEmpty() && Character.isDigit(text.charAt(0))) return text;
        Integer p = PORTS.get(text);
        if (p == null) throw new IllegalArgumentException("service name '" + text + "' is not one whose port is the same on every host: unknown (use -n)");
        return String.valueOf(p);
    }
}
