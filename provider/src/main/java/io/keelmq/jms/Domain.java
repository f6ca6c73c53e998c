package io.keelmq.jms;

/** Which API a connection or session was created through; the domain-specific ones refuse the other domain. */
enum Domain {
    UNIFIED,
    QUEUE,
    TOPIC
}
