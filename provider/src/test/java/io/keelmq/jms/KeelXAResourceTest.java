package io.keelmq.jms;

import io.keelmq.jms.fake.FakeBroker;
import io.keelmq.jms.jndi.KeelObjectFactory;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.XAConnection;
import jakarta.jms.XAConnectionFactory;
import jakarta.jms.XAQueueConnectionFactory;
import jakarta.jms.XASession;
import jakarta.jms.XATopicConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KeelMQ's XAResource against a fake broker: each XA error the broker can answer becomes the XAException code of the
 * XA contract, an unreachable broker is XAER_RMFAIL, isSameRM compares the brokers' resource-manager ids, the
 * transaction timeout travels with XA_START; and the XA connection factory survives JNDI references and
 * serialization as an XA factory.
 */
class KeelXAResourceTest extends FakeBrokerTestBase {
    /** Any Xid: a transaction manager's own class. */
    private record AnyXid(int getFormatId, byte[] getGlobalTransactionId, byte[] getBranchQualifier) implements Xid {
        static AnyXid of(int n) {
            return new AnyXid(7, new byte[] {1, 2, (byte) n}, new byte[] {3});
        }
    }

    private XASession xaSession(FakeBroker on) throws Exception {
        XAConnection connection = track(new KeelXAConnectionFactory(on.url()).createXAConnection());
        return connection.createXASession();
    }

    private static int code(Executable call) {
        return assertThrows(XAException.class, call).errorCode;
    }

    /** The broker's error codes and the XAException codes the XA contract gives them. */
    private static Map<ErrorCode, Integer> mapping() {
        Map<ErrorCode, Integer> mapping = new LinkedHashMap<>();
        mapping.put(ErrorCode.XA_NOTA, XAException.XAER_NOTA);
        mapping.put(ErrorCode.XA_PROTO, XAException.XAER_PROTO);
        mapping.put(ErrorCode.XA_DUPID, XAException.XAER_DUPID);
        mapping.put(ErrorCode.XA_RBROLLBACK, XAException.XA_RBROLLBACK);
        mapping.put(ErrorCode.TRANSACTION_ROLLED_BACK, XAException.XA_RBROLLBACK);
        mapping.put(ErrorCode.XA_RBTIMEOUT, XAException.XA_RBTIMEOUT);
        mapping.put(ErrorCode.XA_HEURCOM, XAException.XA_HEURCOM);
        mapping.put(ErrorCode.XA_HEURRB, XAException.XA_HEURRB);
        mapping.put(ErrorCode.NOT_FOUND, XAException.XAER_PROTO);
        mapping.put(ErrorCode.ILLEGAL_STATE, XAException.XAER_PROTO);
        mapping.put(ErrorCode.INTERNAL, XAException.XAER_RMERR);
        mapping.put(ErrorCode.SECURITY, XAException.XAER_RMERR);
        mapping.put(ErrorCode.RESOURCE_EXHAUSTED, XAException.XAER_RMERR);
        return mapping;
    }

    @Test
    void everyBrokerErrorOfEveryXaCallBecomesItsXaExceptionCode() throws Exception {
        XAResource resource = xaSession(broker).getXAResource();
        Xid xid = AnyXid.of(1);
        Map<RequestCode, Executable> calls = new LinkedHashMap<>();
        calls.put(RequestCode.XA_START, () -> resource.start(xid, XAResource.TMNOFLAGS));
        calls.put(RequestCode.XA_PREPARE, () -> resource.prepare(xid));
        calls.put(RequestCode.XA_COMMIT, () -> resource.commit(xid, false));
        calls.put(RequestCode.XA_ROLLBACK, () -> resource.rollback(xid));
        calls.put(RequestCode.XA_FORGET, () -> resource.forget(xid));
        calls.put(RequestCode.XA_RECOVER, () -> resource.recover(XAResource.TMSTARTRSCAN));
        for (Map.Entry<RequestCode, Executable> call : calls.entrySet()) {
            for (Map.Entry<ErrorCode, Integer> expected : mapping().entrySet()) {
                broker.failNext(call.getKey(), expected.getKey(), "refused by the test");
                XAException e = assertThrows(XAException.class, call.getValue(), call.getKey() + " answered "
                        + expected.getKey());
                assertEquals(expected.getValue(), e.errorCode, call.getKey() + " answered " + expected.getKey());
                assertTrue(e.getMessage().contains("refused by the test"), e.getMessage());
            }
        }
        assertEquals(calls.size() * mapping().size(), broker.requests(RequestCode.XA_START).size()
                + broker.requests(RequestCode.XA_PREPARE).size() + broker.requests(RequestCode.XA_COMMIT).size()
                + broker.requests(RequestCode.XA_ROLLBACK).size() + broker.requests(RequestCode.XA_FORGET).size()
                + broker.requests(RequestCode.XA_RECOVER).size(), "every call went to the broker");
        Frame commit = broker.requests(RequestCode.XA_COMMIT).get(0);
        assertEquals("7", commit.header("formatId"));
        assertEquals("010201", commit.header("gtrid"));
        assertEquals("03", commit.header("bqual"));
        assertEquals("false", commit.header("onePhase"));
    }

    @Test
    void wrongArgumentsAreRefusedBeforeTheBrokerWithXaerInval() throws Exception {
        XAResource resource = xaSession(broker).getXAResource();
        assertEquals(XAException.XAER_INVAL, code(() -> resource.start(null, XAResource.TMNOFLAGS)));
        assertEquals(XAException.XAER_INVAL, code(() -> resource.start(AnyXid.of(2), XAResource.TMSUCCESS)));
        assertEquals(XAException.XAER_INVAL, code(() -> resource.end(AnyXid.of(2), XAResource.TMJOIN)));
        assertEquals(XAException.XAER_INVAL, code(() -> resource.recover(XAResource.TMJOIN)));
        assertEquals(XAException.XAER_INVAL, code(() -> resource.setTransactionTimeout(-1)));
        assertTrue(broker.requests(RequestCode.XA_START).isEmpty());
        assertTrue(broker.requests(RequestCode.XA_RECOVER).isEmpty());
    }

    @Test
    void anUnreachableBrokerIsRmFail() throws Exception {
        XAConnection connection = track(new KeelXAConnectionFactory(broker.url()).createXAConnection());
        XAResource resource = connection.createXASession().getXAResource();
        broker.killConnections();
        Wait.until("the connection is seen lost", () -> ((KeelConnection) connection).provider().isClosed());
        Xid xid = AnyXid.of(3);
        for (Executable call : List.<Executable>of(() -> resource.start(xid, XAResource.TMNOFLAGS),
                () -> resource.end(xid, XAResource.TMSUCCESS), () -> resource.prepare(xid),
                () -> resource.commit(xid, true), () -> resource.rollback(xid), () -> resource.forget(xid),
                () -> resource.recover(XAResource.TMSTARTRSCAN))) {
            assertEquals(XAException.XAER_RMFAIL, code(call));
        }
    }

    @Test
    void aBrokerThatStopsAnsweringIsRmFail() throws Exception {
        XAConnection connection = track(new KeelXAConnectionFactory(broker.url("requestTimeout=300"))
                .createXAConnection());
        XAResource resource = connection.createXASession().getXAResource();
        broker.goSilent();
        assertEquals(XAException.XAER_RMFAIL, code(() -> resource.prepare(AnyXid.of(4))));
    }

    @Test
    void isSameRmComparesTheBrokersResourceManagerIds() throws Exception {
        broker.resourceManagerId("rm-1");
        XAResource first = xaSession(broker).getXAResource();
        XAResource second = xaSession(broker).getXAResource();
        FakeBroker other = FakeBroker.start();
        FakeBroker anonymous = FakeBroker.start();
        try {
            other.resourceManagerId("rm-2");
            assertTrue(first.isSameRM(second));
            assertTrue(first.isSameRM(first));
            assertFalse(first.isSameRM(xaSession(other).getXAResource()));
            XAResource withoutId = xaSession(anonymous).getXAResource();
            assertFalse(withoutId.isSameRM(withoutId), "a broker without an id cannot be recognised as the same");
            XAResource foreign = (XAResource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {XAResource.class}, (proxy, method, args) -> {
                        throw new AssertionError("isSameRM must not call the other resource");
                    });
            assertFalse(first.isSameRM(foreign));
        } finally {
            other.close();
            anonymous.close();
        }
    }

    @Test
    void theTransactionTimeoutGoesWithEachXaStart() throws Exception {
        XAResource resource = xaSession(broker).getXAResource();
        assertEquals(0, resource.getTransactionTimeout());
        assertTrue(resource.setTransactionTimeout(30));
        assertEquals(30, resource.getTransactionTimeout());
        broker.failNext(RequestCode.XA_START, ErrorCode.XA_NOTA, "only the headers matter here");
        code(() -> resource.start(AnyXid.of(5), XAResource.TMNOFLAGS));
        assertTrue(resource.setTransactionTimeout(0));
        broker.failNext(RequestCode.XA_START, ErrorCode.XA_NOTA, "only the headers matter here");
        code(() -> resource.start(AnyXid.of(6), XAResource.TMJOIN));
        List<Frame> starts = broker.requests(RequestCode.XA_START);
        assertEquals("30", starts.get(0).header("timeout"));
        assertEquals("0", starts.get(0).header("flags"));
        assertEquals("0", starts.get(1).header("timeout"));
        assertEquals(Integer.toString(XAResource.TMJOIN), starts.get(1).header("flags"));
    }

    @Test
    void theXaFactoryRoundTripsThroughAJndiReferenceAndSerializationAsAnXaFactory() throws Exception {
        KeelXAConnectionFactory factory = new KeelXAConnectionFactory(broker.url("clientID=xa-client"));
        factory.setSendMsgTimeout(4321);
        assertInstanceOf(Referenceable.class, factory);
        assertInstanceOf(Serializable.class, factory);
        Reference reference = factory.getReference();
        assertEquals(KeelXAConnectionFactory.class.getName(), reference.getClassName());
        assertEquals(KeelObjectFactory.class.getName(), reference.getFactoryClassName());
        Object rebuilt = new KeelObjectFactory().getObjectInstance(reference, null, null, null);
        Object deserialized = ConnectionFactoryTest.roundTrip(factory);
        for (Object copy : List.of(rebuilt, deserialized)) {
            KeelXAConnectionFactory xa = assertInstanceOf(KeelXAConnectionFactory.class, copy);
            assertInstanceOf(XAConnectionFactory.class, copy);
            assertInstanceOf(XAQueueConnectionFactory.class, copy);
            assertInstanceOf(XATopicConnectionFactory.class, copy);
            assertEquals(factory.getBrokerURL(), xa.getBrokerURL());
            assertEquals(4321, xa.getSendMsgTimeout());
            assertEquals(factory.getOptions().toProperties(), xa.getOptions().toProperties());
            XAConnection connection = track(xa.createXAConnection());
            assertEquals("xa-client", connection.getClientID());
            assertInstanceOf(XAResource.class, connection.createXASession().getXAResource());
            connection.close();
        }
    }
}
