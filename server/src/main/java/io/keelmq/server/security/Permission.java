package io.keelmq.server.security;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a role may be granted on a destination, by its name in the authorization file. */
public enum Permission {
    /** Create a producer for the destination and send to it. */
    SEND("send"),
    /** Create any consumer on it (queue receivers, topic subscribers of every kind). */
    CONSUME("consume"),
    /** Create a QueueBrowser on it. */
    BROWSE("browse"),
    /** Create a durable (or shared durable) subscription on a topic; the consumer also needs {@code consume}. */
    CREATE_DURABLE_SUBSCRIPTION("createDurableSubscription"),
    /** Administration: ADMIN requests, and creating or deleting queues and topics explicitly. */
    MANAGE("manage");

    private final String fileName;

    Permission(String fileName) {
        this.fileName = fileName;
    }

    /** The name used in the authorization file and in error messages. */
    public String fileName() {
        return fileName;
    }

    /** The permission called {@code name} (case-sensitive, as written in the file). */
    public static Permission named(String name) {
        for (Permission permission : values()) {
            if (permission.fileName.equals(name)) {
                return permission;
            }
        }
        throw new IllegalArgumentException("unknown permission '" + name + "' (known: " + known() + ")");
    }

    static String known() {
        return Arrays.stream(values()).map(Permission::fileName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return fileName;
    }
}
