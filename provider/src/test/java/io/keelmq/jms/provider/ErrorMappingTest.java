package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorMappingTest {

    static Stream<Arguments> mappings() {
        return Stream.of(
                Arguments.of(ErrorCode.MESSAGE_TOO_LARGE, JMSException.class),
                Arguments.of(ErrorCode.INVALID_SELECTOR, InvalidSelectorException.class),
                Arguments.of(ErrorCode.NOT_FOUND, InvalidDestinationException.class),
                Arguments.of(ErrorCode.SECURITY, JMSSecurityException.class),
                Arguments.of(ErrorCode.INVALID_CLIENT_ID, InvalidClientIDException.class),
                Arguments.of(ErrorCode.ILLEGAL_STATE, IllegalStateException.class),
                Arguments.of(ErrorCode.RESOURCE_EXHAUSTED, ResourceAllocationException.class),
                Arguments.of(ErrorCode.LIMIT_EXCEEDED, ResourceAllocationException.class),
                Arguments.of(ErrorCode.BUSY, BrokerBusyException.class),
                Arguments.of(ErrorCode.TRANSACTION_ROLLED_BACK, TransactionRolledBackException.class),
                Arguments.of(ErrorCode.INTERNAL, JMSException.class),
                Arguments.of(ErrorCode.MALFORMED_FRAME, JMSException.class));
    }

    @ParameterizedTest
    @MethodSource("mappings")
    void eachErrorCodeBecomesTheSpecsException(ErrorCode code, Class<? extends JMSException> type) {
        JMSException e = ErrorMapping.toException(RequestCode.SEND, code, "because of reasons");
        assertSame(type, e.getClass());
        assertEquals(code.name(), e.getErrorCode());
        assertTrue(e.getMessage().contains("because of reasons"), e.getMessage());
    }
}
