package io.keelmq.jms.provider;

/** The acknowledgement mode a session declares in CREATE_SESSION; the header value is the constant's name. */
public enum AckMode {
    AUTO,
    CLIENT,
    DUPS_OK,
    TRANSACTED,
    INDIVIDUAL
}
