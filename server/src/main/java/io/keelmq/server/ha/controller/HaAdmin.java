package io.keelmq.server.ha.controller;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;

import java.io.IOException;
import java.util.List;

/**
 * What {@code keel-admin ha status} and {@code keel-admin ha elect --broker ID} ask a broker in controller mode,
 * answered from the controller (RocketMQ's {@code getSyncStateSet} and {@code electMaster}): every group's master,
 * epoch, in-sync set and each member's lag, read linearizably; an election, among the in-sync set only, of the
 * member named.
 */
public final class HaAdmin {
    private HaAdmin() {
    }

    private static ControllerClient client(BrokerConfig config) {
        if (!config.get(ConfigKeys.ENABLE_CONTROLLER_MODE) || config.get(ConfigKeys.CONTROLLER_ADDR).isEmpty()) {
            throw new IllegalStateException("this broker is not in controller mode (enableControllerMode, "
                    + "controllerAddr): there is no controller to ask");
        }
        return new ControllerClient(config.get(ConfigKeys.BROKER_CLUSTER_NAME), config.get(ConfigKeys.CONTROLLER_ADDR),
                config.get(ConfigKeys.CONTROLLER_REQUEST_TIMEOUT_MILLIS));
    }

    /** A table: per group its master, epochs and in-sync set, then per member its role, log end, lag and silence. */
    public static String status(BrokerConfig config) throws IOException {
        ControllerClient.Reply reply;
        try (ControllerClient client = client(config)) {
            reply = client.status(null);
        }
        StringBuilder out = new StringBuilder();
        out.append("controller leader: ").append(reply.leader()).append('\n');
        for (GroupView view : reply.groups()) {
            long masterOffset = -1;
            for (String[] member : reply.members()) {
                if (member[1].equals(view.group()) && member[2].equals(view.master())) {
                    masterOffset = Long.parseLong(member[4]);
                }
            }
            out.append(String.format("group %s: master %s, epoch %d, in-sync set %s (epoch %d)%n", view.group(),
                    view.hasMaster() ? view.master() : "(none)", view.masterEpoch(), view.inSync(),
                    view.inSyncEpoch()));
            out.append(String.format("  %-12s %-7s %-8s %-22s %14s %12s %10s%n", "BROKER", "ROLE", "IN-SYNC",
                    "CLIENTS", "OFFSET", "LAG", "SILENT-MS"));
            for (String[] member : reply.members()) {
                if (!member[1].equals(view.group())) {
                    continue;
                }
                String id = member[2];
                long offset = Long.parseLong(member[4]);
                GroupView.Member entry = view.members().get(id);
                out.append(String.format("  %-12s %-7s %-8s %-22s %14d %12s %10s%n", id,
                        id.equals(view.master()) ? "MASTER" : "SLAVE", view.inSync().contains(id) ? "yes" : "no",
                        entry == null ? "?" : entry.clientAddress(), offset,
                        masterOffset < 0 || offset < 0 ? "?" : Long.toString(Math.max(0, masterOffset - offset)),
                        member[5]));
            }
        }
        return out.toString();
    }

    /**
     * Elects {@code broker} master of its group (or of {@code group}), which it must be an in-sync member of; the
     * answer says who is master of which epoch.
     */
    public static String elect(BrokerConfig config, String group, String broker) throws IOException {
        try (ControllerClient client = client(config)) {
            List<GroupView> groups = client.status(group).groups();
            List<GroupView> holding = groups.stream().filter(view -> view.members().containsKey(broker)).toList();
            if (holding.isEmpty()) {
                throw new IllegalArgumentException("no broker '" + broker + "' in " + (group == null ? "any group"
                        : "group " + group) + " (keel-admin ha status lists them)");
            }
            if (holding.size() > 1) {
                throw new IllegalArgumentException("broker '" + broker + "' is in several groups: name one with "
                        + "--group");
            }
            GroupView view = holding.get(0);
            if (view.master().equals(broker)) {
                return broker + " is already master of group " + view.group() + ", epoch " + view.masterEpoch();
            }
            ControllerClient.Reply reply = client.elect(view.group(), broker, view.masterEpoch(), false);
            if (!reply.ok()) {
                throw new IllegalArgumentException("the controller refused: " + reply.refusal());
            }
            return broker + " is master of group " + view.group() + ", epoch " + reply.group().masterEpoch()
                    + " (was " + (view.hasMaster() ? view.master() : "none") + ")";
        }
    }
}
