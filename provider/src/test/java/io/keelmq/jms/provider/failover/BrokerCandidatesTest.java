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
