package io.keelmq.jms.provider.failover;

import io.keelmq.jms.transport.HostAndPort;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The order in which a failing-over connection tries brokers: the master a slave last named first (it may not be in
 * the URL at all), then the URL's addresses in the order given, then the addresses of the group's other brokers the
 * last broker connected to listed in its HANDSHAKE answer ({@code groupBrokers}: learned, so that a URL naming one
 * broker of a group still finds the master elected after that one died). Brokers that answered NOT_MASTER come
 * last. Thread-safe.
 */
final class BrokerCandidates {
    /**
     * How a NOT_MASTER refusal names the master (server HaService.notMaster): a fixed-role slave says "... of the
     * master at HOST:PORT; send to the master"; a broker in controller mode (branch ctl, issue 18, not merged yet)
     * says "... the controller elected ID: send to the master at HOST:PORT". A slave that has not yet heard its master's client address names its HA address
     * instead ("master at HA address ..."), which is no place to send clients: that is no HOST:PORT, so it is ignored.
     */
    private static final Pattern NAMED_MASTER = Pattern.compile("(?:of|send to) the master at ([^\\s;]+)");

    private final List<HostAndPort> urlAddresses;
    private volatile HostAndPort namedMaster;
    /** The group's brokers as the last broker connected to listed them; replaced at each connection that lists any. */
    private volatile List<HostAndPort> learned = List.of();
    /** Brokers that answered NOT_MASTER since a master was last named: tried after the others. */
    private final java.util.Set<HostAndPort> slaves = java.util.concurrent.ConcurrentHashMap.newKeySet();

    BrokerCandidates(List<HostAndPort> urlAddresses) {
        if (urlAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one broker address is needed");
        }
        this.urlAddresses = List.copyOf(urlAddresses);
    }

    List<HostAndPort> urlAddresses() {
        return urlAddresses;
    }

    /**
     * Every address to try, each once: the named master first, then the URL's, then the learned ones; of these, brokers
     * known to be slaves last.
     */
    List<HostAndPort> order() {
        HostAndPort master = namedMaster;
        java.util.LinkedHashSet<HostAndPort> known = new java.util.LinkedHashSet<>(urlAddresses);
        known.addAll(learned);
        known.remove(master);
        List<HostAndPort> order = new ArrayList<>(known.size() + 1);
        if (master != null) {
            order.add(master);
        }
        for (HostAndPort address : known) {
            if (!slaves.contains(address)) {
                order.add(address);
            }
        }
        for (HostAndPort address : known) {
            if (slaves.contains(address)) {
                order.add(address);
            }
        }
        return order;
    }

    /** The brokers learned from the last HANDSHAKE answer that listed any. */
    List<HostAndPort> learned() {
        return learned;
    }

    /**
     * A broker accepted a connection and listed its group's brokers ({@code host:port}): they replace those learned
     * before. An answer that lists none (a broker that is not replicated, or does not know its group yet) leaves
     * them; an entry that is no host:port is skipped.
     */
    void learn(List<String> groupBrokers) {
        List<HostAndPort> parsed = new ArrayList<>();
        for (String hostPort : groupBrokers) {
            HostAndPort address = parse(hostPort);
            if (address != null && !parsed.contains(address)) {
                parsed.add(address);
            }
        }
        if (!parsed.isEmpty()) {
            learned = List.copyOf(parsed);
        }
    }

    /** The addresses other than {@code current}, in {@link #order()}. */
    List<HostAndPort> others(HostAndPort current) {
        List<HostAndPort> others = order();
        others.remove(current);
        return others;
    }

    /**
     * {@code slave} refused with NOT_MASTER: it is tried last from now on, and the master its refusal names first.
     *
     * @return whether the refusal names a master other than the one already known first
     */
    boolean refusedBySlave(HostAndPort slave, JMSException notMaster) {
        slaves.add(slave);
        HostAndPort master = masterNamedBy(notMaster);
        if (master == null || master.equals(namedMaster)) {
            return false;
        }
        namedMaster = master;
        slaves.remove(master);
        return true;
    }

    /** Whether {@code e} is a slave's refusal (error code NOT_MASTER): nothing was done, the master should be asked. */
    static boolean isNotMaster(JMSException e) {
        return "NOT_MASTER".equals(e.getErrorCode());
    }

    /** The client address a NOT_MASTER refusal names, or null if it names none. */
    static HostAndPort masterNamedBy(JMSException notMaster) {
        String text = notMaster.getMessage();
        if (!isNotMaster(notMaster) || text == null) {
            return null;
        }
        Matcher m = NAMED_MASTER.matcher(text);
        if (!m.find()) {
            return null;
        }
        return parse(m.group(1));
    }

    /** {@code host:port} or {@code [v6]:port}, or null if it is neither. */
    static HostAndPort parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new HostAndPort(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
