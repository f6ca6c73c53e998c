package io.keelmq.server.testing;

import io.keelmq.server.Main;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code bin/keel-server} on a small file system: {@code SmallDiskMain CAPACITY_BYTES [blind] --key=value ...} runs
 * the broker with its store on a {@link SizeLimitedFileLayer} of that capacity over its {@code storePathRootDir}
 * ({@code blind}: one that reports itself empty, so only failed writes show that it is full).
 */
public final class SmallDiskMain {
    private SmallDiskMain() {
    }

    public static void main(String[] args) {
        long capacity = Long.parseLong(args[0]);
        boolean blind = args.length > 1 && args[1].equals("blind");
        String[] brokerArgs = Arrays.copyOfRange(args, blind ? 2 : 1, args.length);
        String root = Arrays.stream(brokerArgs).filter(a -> a.startsWith("--storePathRootDir="))
                .reduce((first, later) -> later).orElseThrow().substring("--storePathRootDir=".length());
        Main.main(brokerArgs, new SizeLimitedFileLayer(Path.of(root), capacity, blind));
    }
}
