package dev.pmcj.pmc.cli;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import picocli.CommandLine.Option;

/** {@code --device}: the backend a command computes on. */
public final class DeviceOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|scalar|opencl[:N]", description = "Default: ${DEFAULT-VALUE}.")
    String device;

    /** The selected backend ({@link Backends#select}: falls back, with one line, when OpenCL cannot open). */
    Backend backend() {
        return Backends.select(device);
    }
}
