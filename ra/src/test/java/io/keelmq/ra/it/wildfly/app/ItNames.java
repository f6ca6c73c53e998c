package io.keelmq.ra.it.wildfly.app;

/** The names the test deployment and the tests agree on. */
public final class ItNames {
    /** keel.rar's connection definition, as ra/src/main/wildfly/keel-ra.cli binds it. */
    public static final String CONNECTION_FACTORY = "java:/jms/keel/ConnectionFactory";
    /** The XA data source the test war defines (WEB-INF/keel-it-xa-ds.xml) over WildFly's H2 driver. */
    public static final String DATA_SOURCE = "java:jboss/datasources/KeelItXADS";

    public static final String PARALLEL_QUEUE = "it.parallel";
    public static final String RESTART_QUEUE = "it.restart";
    public static final String POISON_QUEUE = "it.poison";
    public static final String TX_QUEUE = "it.tx";
    public static final String ORDERS_QUEUE = "it.orders";
    public static final String RECOVERY_QUEUE = "it.recovery";
    /** maxSession of the parallel bean. */
    public static final int PARALLEL_SESSIONS = 4;

    private ItNames() {
    }
}
