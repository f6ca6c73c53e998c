package io.keelmq.tck;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The TCK runs its methods in source order; {@link DeclarationOrder} reads that order from the class file. */
class DeclarationOrderTest {

    @SuppressWarnings("unused")
    static final class Declared {
        private static final long BIG = 1L << 40; // a long constant: two constant pool entries
        private final double ratio = 2.5;

        void zeta() {
        }

        void alpha() {
        }

        void middle(String text) {
            System.out.println(text + BIG + ratio);
        }

        void alpha(int overload) {
        }
    }

    @Test
    void methodsComeInTheOrderTheSourceDeclaresThem() {
        Map<String, Integer> positions = DeclarationOrder.declaredMethodPositions(Declared.class);
        List<String> ordered = List.of("zeta", "alpha", "middle").stream()
                .sorted(Comparator.comparingInt(positions::get)).toList();
        assertEquals(List.of("zeta", "alpha", "middle"), ordered);
    }
}
