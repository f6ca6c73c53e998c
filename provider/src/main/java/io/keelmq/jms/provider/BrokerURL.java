package io.keelmq.jms.provider;

import io.keelmq.jms.transport.HostAndPort;
import jakarta.jms.JMSException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed client URL: {@code keel://host:port[,host:port...][?option=value&...]}, the same with {@code keel+ssl://}
 * for TLS, or {@code vm://name[?...]}.
 *
 * <p>This class only splits the text; what the options mean is the connection factory's business, which reports an
 * unknown one. Option values are URL-decoded (UTF-8), so a password may contain {@code &} as {@code %26}.
 */
public final class BrokerURL {
    /** The broker's default port (ARCHITECTURE.md), used when a {@code keel://} address names none. */
    public static final int DEFAULT_PORT = 10911;
    /** The broker's default {@code tlsPort}, used when a {@code keel+ssl://} address names none. */
    public static final int DEFAULT_TLS_PORT = 10913;
    /** What a factory connects to when nothing else is configured. */
    public static final String DEFAULT = "keel://127.0.0.1:" + DEFAULT_PORT;

    /** {@code keel://} plain TCP, {@code keel+ssl://} TCP with TLS, {@code vm://} in the same JVM. */
    public enum Scheme {
        KEEL, KEEL_SSL, VM;

        /** Whether the addresses are TCP addresses (host:port). */
        public boolean isTcp() {
            return this != VM;
        }
    }

    private final String text;
    private final Scheme scheme;
    private final List<HostAndPort> addresses;
    private final String vmName;
    private final Map<String, String> options;

    private BrokerURL(String text, Scheme scheme, List<HostAndPort> addresses, String vmName,
                      Map<String, String> options) {
        this.text = text;
        this.scheme = scheme;
        this.addresses = addresses;
        this.vmName = vmName;
        this.options = options;
    }

    /** @throws JMSException naming what is wrong with {@code url} */
    public static BrokerURL parse(String url) throws JMSException {
        if (url == null || url.isBlank()) {
            throw new JMSException("the broker URL is empty; expected keel://host:port, keel+ssl://host:port or "
                    + "vm://name");
        }
        String trimmed = url.trim();
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(url, "it has no scheme; expected keel://host:port, keel+ssl://host:port or vm://name");
        }
        String schemeText = trimmed.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = trimmed.substring(schemeEnd + 3);
        int query = rest.indexOf('?');
        String authority = query < 0 ? rest : rest.substring(0, query);
        Map<String, String> options = query < 0 ? Map.of() : parseOptions(url, rest.substring(query + 1));
        switch (schemeText) {
            case "keel":
                return new BrokerURL(trimmed, Scheme.KEEL, parseAddresses(url, authority, DEFAULT_PORT), null,
                        options);
            case "keel+ssl":
                return new BrokerURL(trimmed, Scheme.KEEL_SSL, parseAddresses(url, authority, DEFAULT_TLS_PORT), null,
                        options);
            case "vm":
                if (authority.isEmpty() || authority.contains("/")) {
                    throw invalid(url, "vm:// needs a broker name without '/', e.g. vm://embedded");
                }
                return new BrokerURL(trimmed, Scheme.VM, List.of(), authority, options);
            default:
                throw invalid(url, "unknown scheme '" + schemeText + "'; use keel, keel+ssl or vm");
        }
    }

    private static List<HostAndPort> parseAddresses(String url, String authority, int defaultPort)
            throws JMSException {
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty()) {
            throw invalid(url, "it names no broker address");
        }
        List<HostAndPort> addresses = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            addresses.add(parseAddress(url, part.trim(), defaultPort));
        }
        return List.copyOf(addresses);
    }

    private static HostAndPort parseAddress(String url, String part, int defaultPort) throws JMSException {
        String host;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw invalid(url, "unclosed '[' in address '" + part + "'");
            }
            host = part.substring(1, close);
            String after = part.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(url, "unexpected '" + after + "' after the IPv6 address in '" + part + "'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = part.lastIndexOf(':');
            host = colon < 0 ? part : part.substring(0, colon);
            port = colon < 0 ? null : part.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw invalid(url, "address '" + part + "' has no host");
        }
        try {
            return new HostAndPort(host, port == null ? defaultPort : Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw invalid(url, "address '" + part + "' has an invalid port '" + port + "'");
        }
    }

    private static Map<String, String> parseOptions(String url, String query) throws JMSException {
        Map<String, String> options = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return options;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(url, "option '" + pair + "' is not name=value");
            }
            String name = decode(url, pair.substring(0, eq));
            String value = decode(url, pair.substring(eq + 1));
            if (options.put(name, value) != null) {
                throw invalid(url, "option '" + name + "' is given twice");
            }
        }
        return Collections.unmodifiableMap(options);
    }

    private static String decode(String url, String s) throws JMSException {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(url, "'" + s + "' is not correctly URL-encoded");
        }
    }

    private static JMSException invalid(String url, String why) {
        return new JMSException("invalid broker URL '" + url + "': " + why);
    }

    public String text() {
        return text;
    }

    public Scheme scheme() {
        return scheme;
    }

    /** The TCP addresses of a {@code keel://} or {@code keel+ssl://} URL, in the order to try; empty for vm://. */
    public List<HostAndPort> addresses() {
        return addresses;
    }

    /** The broker name of a {@code vm://} URL; null for TCP URLs. */
    public String vmName() {
        return vmName;
    }

    /** The query options in the order given, URL-decoded. */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public String toString() {
        return text;
    }
}
