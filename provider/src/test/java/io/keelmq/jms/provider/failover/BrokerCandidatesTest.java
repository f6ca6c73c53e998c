package io.keelmq.jms.provider.failover;

import io.keelmq.jms.transport.HostAndPort;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerCandidatesTest {
    private static final HostAndPort A = new HostAndPort("10.0.0.1", 10911);
    private static final HostAndPort B = new HostAndPort("10.0.0.2", 10911);
    private static final HostAndPort C = new HostAndPort("10.0.0.3", 10911);

    private static JMSException notMaster(String master) {
        return new JMSException("SEND failed with NOT_MASTER: this broker is a SLAVE (brokerRole) of the master at "
                + master + "; send to the master", "NOT_MASTER");
    }

    @Test
    void theMasterASlaveNamesComesFirstAndTheSlaveLast() {
        BrokerCandidates candidates = new BrokerCandidates(List.of(A, B, C));
        assertEquals(List.of(A, B, C), candidates.order());

        assertTrue(candidates.refusedBySlave(A, notMaster("10.0.0.3:10911")));

        assertEquals(List.of(C, B, A), candidates.order());
        assertEquals(List.of(B, A), candidates.others(C));
        assertFalse(candidates.refusedBySlave(B, notMaster("10.0.0.3:10911")), "the same master again");
        assertEquals(List.of(C, A, B), candidates.order());
    }

    @Test
    void aMasterOutsideTheUrlIsTriedToo() {
        BrokerCandidates candidates = new BrokerCandidates(List.of(A));
        candidates.refusedBySlave(A, notMaster("[::1]:12000"));
        assertEquals(List.of(new HostAndPort("::1", 12000), A), candidates.order());
    }

    @Test
    void theGroupsBrokersLearnedAtConnectComeAfterTheUrlsAndAreReplacedByTheNextList() {
        BrokerCandidates candidates = new BrokerCandidates(List.of(A));
        assertEquals(List.of(A), candidates.order());
        // A (the master, in the URL) lists its group: master first, then the others.
        candidates.learn(List.of("10.0.0.1:10911", "10.0.0.3:10911", "10.0.0.2:10911"));
        assertEquals(List.of(A, C, B), candidates.order(), "the URL first, then the learned ones, each once");
        assertEquals(List.of(C, B), candidates.others(A));

        // A slave's refusal still puts the master it names first, and the slave last.
        assertTrue(candidates.refusedBySlave(A, notMaster("10.0.0.2:10911")));
        assertEquals(List.of(B, C, A), candidates.order());

        // The next connection's list replaces the learned ones; an entry that is no host:port is skipped.
        HostAndPort v6 = new HostAndPort("::1", 12000);
        candidates.learn(List.of("[::1]:12000", "no-port", "10.0.0.3:99999", "10.0.0.3:10911"));
        assertEquals(List.of(v6, C), candidates.learned());
        assertEquals(List.of(B, v6, C, A), candidates.order());
        // A broker that lists none (not replicated, or not yet told its group) leaves what was learned.
        candidates.learn(List.of());
        candidates.learn(List.of("garbage"));
        assertEquals(List.of(v6, C), candidates.learned());
    }

    @Test
    void learnedBrokersKnownToBeSlavesComeLast() {
        BrokerCandidates candidates = new BrokerCandidates(List.of(A));
        candidates.learn(List.of("10.0.0.2:10911", "10.0.0.3:10911"));
        candidates.refusedBySlave(B, new JMSException("CREATE_PRODUCER failed with NOT_MASTER: this broker (b, "
                + "STANDBY) is not the master of group g; no master is known yet: ask the controller", "NOT_MASTER"));
        assertEquals(List.of(A, C, B), candidates.order());
    }

    @Test
    void aRefusalThatNamesOnlyTheHaAddressOrIsNotNotMasterNamesNoMaster() {
        assertNull(BrokerCandidates.masterNamedBy(new JMSException("SEND failed with NOT_MASTER: this broker is a "
                + "SLAVE (brokerRole) of the master at HA address 10.0.0.3:10912; send to the master", "NOT_MASTER")));
        assertNull(BrokerCandidates.masterNamedBy(new JMSException("of the master at 10.0.0.3:10911;", "INTERNAL")));
        assertEquals(C, BrokerCandidates.masterNamedBy(notMaster("10.0.0.3:10911")));
    }

    @Test
    void aBrokerInControllerModeNamesTheMasterTheControllerElected() {
        assertEquals(C, BrokerCandidates.masterNamedBy(new JMSException("SEND failed with NOT_MASTER: this broker "
                + "(b1, SLAVE) is not the master of group g; the controller elected b2: send to the master at "
                + "10.0.0.3:10911", "NOT_MASTER")));
        assertNull(BrokerCandidates.masterNamedBy(new JMSException("SEND failed with NOT_MASTER: this broker (b1, "
                + "STANDBY) is not the master of group g; no master is known yet: ask the controller (keel-admin ha "
                + "status)", "NOT_MASTER")));
    }
}
