package io.keelmq.store.replica;

import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.replica.EpochFile.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EpochFileTest {
    @TempDir
    Path dir;

    @Test
    void epochsSurviveAReopenAndASlaveKeepsOnlyWhatItsCopyReached() throws Exception {
        Path path = dir.resolve("epochs");
        EpochFile master = EpochFile.load(ChannelFileLayer.INSTANCE, path);
        assertEquals(0, master.lastEpoch());
        master.startEpoch(0);
        master.startEpoch(500);
        assertEquals(List.of(new Entry(1, 0), new Entry(2, 500)),
                EpochFile.load(ChannelFileLayer.INSTANCE, path).entries());

        EpochFile slave = EpochFile.load(ChannelFileLayer.INSTANCE, dir.resolve("slave-epochs"));
        slave.follow(master.entries(), 300);
        assertEquals(List.of(new Entry(1, 0)), slave.entries());
        slave.follow(master.entries(), 500);
        assertEquals(master.entries(), EpochFile.load(ChannelFileLayer.INSTANCE, dir.resolve("slave-epochs")).entries());

        Files.writeString(path, "1 0\nnot an epoch\n");
        assertThrows(java.io.IOException.class, () -> EpochFile.load(ChannelFileLayer.INSTANCE, path));
    }

    @Test
    void theDivergencePointIsTheEndOfTheLastCommonEpochOnTheMaster() {
        List<Entry> oldMaster = List.of(new Entry(1, 0));
        List<Entry> newMaster = List.of(new Entry(1, 0), new Entry(2, 1_000));
        // The old master wrote to 1 500 in epoch 1; its slave had 1 000 when it became master of epoch 2 (KIP-101).
        assertEquals(1_000, EpochFile.divergencePoint(oldMaster, 1_500, newMaster, 3_000));
        // A slave behind the end of epoch 1 agrees up to its own end.
        assertEquals(800, EpochFile.divergencePoint(oldMaster, 800, newMaster, 3_000));
        // A slave in the master's current epoch agrees up to its end.
        assertEquals(2_500, EpochFile.divergencePoint(newMaster, 2_500, newMaster, 3_000));
        // Without epochs: agreed up to its end when within the master's log, else nothing in common.
        assertEquals(700, EpochFile.divergencePoint(List.of(), 700, newMaster, 3_000));
        assertEquals(-1, EpochFile.divergencePoint(List.of(), 3_500, newMaster, 3_000));
        // An epoch the master never had (another group's, or a wiped master): nothing in common.
        assertEquals(-1, EpochFile.divergencePoint(List.of(new Entry(1, 200)), 900, newMaster, 3_000));
    }
}
