package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.BackendConformance;
import dev.pmcj.testsupport.OpenClDevice;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The specification again with the matmul kernel the device does not pick by default (on PoCL: the
 * GPU's tiled kernel; on a GPU: the CPU kernel), so both kernels are held to it wherever tests run.
 */
@AddLifecycleHook(OpenClDevice.SkipWithout.class)
class OpenClOtherMatmulConformanceTest extends BackendConformance {
    private static OpenClBackend other;

    @Override
    protected Backend candidate() {
        return other();
    }

    private static synchronized OpenClBackend other() {
        if (other == null) {
            OpenClBackend device = OpenClDevice.require();
            other = device.withMatmulKernel(device.matmulKernel() == OpenClBackend.MatmulKernel.CPU
                    ? OpenClBackend.MatmulKernel.TILED : OpenClBackend.MatmulKernel.CPU);
        }
        return other;
    }
}
