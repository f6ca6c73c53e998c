package io.keelmq.server.testing;

import io.keelmq.server.Main;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code bin/keel-server} on a small file system: {@code SmallDiskMain CAPACITY_BYTES MODE --key=value ...} runs
 * the broker with its store on a {@link SizeLimitedFileLayer} of that capacity and {@link SizeLimitedFileLayer.Mode}
 * over its {@code storePathRootDir}.
 */
public final class SmallDiskMain {
    private SmallDiskMain() {
    }

    public static void main(String[] args) {
        long capacity = Long.parseLong(args[0]);
        SizeLimitedFileLayer.Mode mode = SizeLimitedFileLayer.Mode.valueOf(args[1]);
        String[] brokerArgs = Arrays.copyOfRange(args, 2, args.length);
        String root = Arrays.stream(brokerArgs).filter(a -> a.startsWith("--storePathRootDir="))
                .reduce((first, later) -> later).orElseThrow().substring("--storePathRootDir=".length());
        Main.main(brokerArgs, new SizeLimitedFileLayer(Path.of(root), capacity, mode));
    }
}
