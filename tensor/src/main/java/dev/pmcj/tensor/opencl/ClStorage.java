package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Storage;
import org.jocl.CL;
import org.jocl.cl_mem;

import java.lang.ref.Cleaner;

/**
 * A device buffer of floats. Released explicitly by {@link #release()} or, at the latest, once the
 * storage is unreachable (a {@link Cleaner}), so tensors dropped by the tape do not leak device memory.
 * OpenCL keeps a released buffer alive until the commands already queued on it have finished.
 */
final class ClStorage implements Storage.Device {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend owner;
    private final cl_mem mem;
    private final int length;
    private final Cleaner.Cleanable cleanable;

    ClStorage(OpenClBackend owner, cl_mem mem, int length) {
        this.owner = owner;
        this.mem = mem;
        this.length = length;
        this.cleanable = CLEANER.register(this, new Release(mem));
    }

    cl_mem mem() {
        return mem;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Backend owner() {
        return owner;
    }

    @Override
    public void release() {
        cleanable.clean();
    }

    /** Holds the handle only, never the storage, so the storage can become unreachable. */
    private record Release(cl_mem mem) implements Runnable {
        @Override
        public void run() {
            CL.clReleaseMemObject(mem);
        }
    }
}
