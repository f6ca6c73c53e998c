package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;
import io.keelmq.server.tx.CheckBacks;
import io.keelmq.server.tx.PreparedHalf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live connections of each producer group (a CREATE_PRODUCER with {@code producerGroup} registers its
 * connection until the connection ends), and the way the check-back reaches one of them: a CHECK_TRANSACTION sent
 * ONEWAY, its answer an END_TRANSACTION request. Members take turns, and only a connection whose user may
 * {@code send} to the half's destination is asked.
 */
public final class ProducerGroups implements CheckBacks.Members {
    private final Map<String, Set<Connection>> groups = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();

    void register(String group, Connection connection) {
        groups.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    /** The connection ended: it answers for no group any more. */
    void remove(Connection connection) {
        for (Set<Connection> members : groups.values()) {
            members.remove(connection);
        }
    }

    @Override
    public boolean ask(PreparedHalf half, int checkTimes, byte[] message) {
        Set<Connection> members = groups.get(half.group());
        if (members == null || members.isEmpty()) {
            return false;
        }
        List<Connection> candidates = new ArrayList<>(members);
        int start = Math.floorMod(turn.getAndIncrement(), candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Connection member = candidates.get((start + i) % candidates.size());
            if (member.isOpen() && mayAnswer(member, half)) {
                member.output().send(Frame.oneway(RequestCode.CHECK_TRANSACTION, 0, Map.of(
                        "transactionId", half.txId(), "producerGroup", half.group(),
                        "checkTimes", Integer.toString(checkTimes)), message));
                return true;
            }
        }
        return false;
    }

    /** Answering a check-back decides a message for its destination: the member needs {@code send} there. */
    private static boolean mayAnswer(Connection member, PreparedHalf half) {
        Destination destination = member.services().destinations().findByStoreName(half.destination());
        if (destination == null) {
            // Gone (a deleted temporary destination): whatever the answer, the commit drops the message.
            return member.services().authorizer() == null;
        }
        try {
            member.authorize(Permission.SEND, destination.kind(), destination.name());
            return true;
        } catch (RequestException refused) {
            return false;
        }
    }
}
