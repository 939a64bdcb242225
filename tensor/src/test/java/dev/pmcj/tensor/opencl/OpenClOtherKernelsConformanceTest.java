package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.util.EnumMap;
import java.util.Map;

/**
 * The specification again with the matmul and attention kernels the device does not pick by default
 * (on PoCL: the GPU variants; on a GPU: the CPU ones), so both variants are held to it wherever tests run.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClOtherKernelsConformanceTest extends BackendConformance {
    private static final Map<OpenClBackend.Kernels, OpenClBackend> VARIANTS = new EnumMap<>(OpenClBackend.Kernels.class);

    @Override
    protected Backend candidate() {
        OpenClBackend device = OpenClDevice.require();
        return variant(device.kernels() == OpenClBackend.Kernels.CPU ? OpenClBackend.Kernels.GPU : OpenClBackend.Kernels.CPU);
    }

    /** Device 0 with the given kernel variants, made once. */
    static synchronized OpenClBackend variant(OpenClBackend.Kernels kernels) {
        return VARIANTS.computeIfAbsent(kernels, k -> OpenClDevice.require().withKernels(k));
    }
}
