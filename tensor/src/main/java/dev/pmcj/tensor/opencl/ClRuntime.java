package dev.pmcj.tensor.opencl;

import dev.pmcj.tensor.BinaryOp;
import dev.pmcj.tensor.ReduceOp;
import dev.pmcj.tensor.UnaryOp;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One OpenCL device's context, in-order command queue and compiled kernel program (the {@code .cl}
 * resources beside this class, built once). Kernels run in submission order, so a computation needs
 * no events; only reads to the host wait.
 */
final class ClRuntime {
    /** Work-group size of row kernels (a power of two; the kernels' local arrays have this size). */
    static final int GROUP = 64;
    /** Work-group size of kernels over rows as long as a vocabulary on GPUs: more loads in flight a row. */
    static final int WIDE_GROUP = 256;
    /**
     * attention_tiled.cl's work-group: ATTENTION_TILE query (or key) rows, ATTENTION_LANES items a row,
     * heads up to ATTENTION_HEAD_MAX wide. The first two can be set by system properties of those
     * names, to measure other shapes on a device; their product must be a power of two (the kernels
     * reduce over the group with common.cl's group_max).
     */
    static final int ATTENTION_TILE = Integer.getInteger("pmcj.opencl.attentionTile", 32),
            ATTENTION_LANES = Integer.getInteger("pmcj.opencl.attentionLanes", 4), ATTENTION_HEAD_MAX = 64;
    private static final List<String> SOURCES = List.of(
            "common.cl", "memory.cl", "elementwise.cl", "matmul.cl", "matmul_cpu.cl", "norms.cl", "transformer.cl", "attention_tiled.cl", "attention_cpu.cl", "optim.cl");

    /** A device as enumerated across all platforms. */
    record DeviceRef(cl_platform_id platform, cl_device_id device, String name) {
    }

    final DeviceRef ref;
    /** A CPU device (PoCL): kernels without local memory or barriers run faster there. */
    final boolean cpu;
    final int computeUnits;
    private final long maxGroup;
    final cl_context context;
    final cl_command_queue queue;
    /** Kernels' device times, or null unless {@link KernelProfile#PROPERTY} is set. */
    final KernelProfile profile = Boolean.getBoolean(KernelProfile.PROPERTY) ? new KernelProfile() : null;
    private final cl_program program;
    private final Map<String, cl_kernel> kernels = new ConcurrentHashMap<>();
    final ConstantBuffers constants = new ConstantBuffers(this);
    final ScratchBuffers scratch = new ScratchBuffers(this);

    ClRuntime(DeviceRef ref) {
        this.ref = ref;
        long[] type = new long[1];
        CL.clGetDeviceInfo(ref.device(), CL.CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
        cpu = (type[0] & CL.CL_DEVICE_TYPE_CPU) != 0;
        int[] units = new int[1];
        CL.clGetDeviceInfo(ref.device(), CL.CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        computeUnits = Math.max(1, units[0]);
        long[] group = new long[1];
        CL.clGetDeviceInfo(ref.device(), CL.CL_DEVICE_MAX_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(group), null);
        maxGroup = Math.max(GROUP, group[0] / GROUP * GROUP);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, ref.platform());
        context = CL.clCreateContext(props, 1, new cl_device_id[]{ref.device()}, null, null, null);
        @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; this runs on 1.2 too
        cl_command_queue q = CL.clCreateCommandQueue(context, ref.device(), profile == null ? 0 : CL.CL_QUEUE_PROFILING_ENABLE, null);
        queue = q;
        program = CL.clCreateProgramWithSource(context, 1, new String[]{source()}, null, null);
        try {
            CL.clBuildProgram(program, 0, null, buildOptions(), null, null);
        } catch (CLException e) {
            throw new IllegalStateException("OpenCL kernels failed to build on " + ref.name() + ":\n" + buildLog(), e);
        }
    }

    /**
     * Work-group size for kernels with one item per element (no local memory): {@link #GROUP} on
     * GPUs; on CPUs about four groups per compute unit, since PoCL pays microseconds per group, more
     * than 64 items of element-wise work take.
     */
    long itemGroup(long items) {
        if (!cpu) return GROUP;
        long perGroup = (items + 4L * computeUnits - 1) / (4L * computeUnits);
        return Math.min(maxGroup, Math.max(GROUP, (perGroup + GROUP - 1) / GROUP * GROUP));
    }

    /** Every OpenCL device of every platform, in platform order; throws when OpenCL is unusable. */
    static List<DeviceRef> enumerate() {
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            if (count[0] > 0) CL.clGetPlatformIDs(count[0], platforms, null);
            List<DeviceRef> out = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                }
                cl_device_id[] devices = new cl_device_id[n[0]];
                CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_ALL, n[0], devices, null);
                for (cl_device_id d : devices) out.add(new DeviceRef(p, d, deviceName(d)));
            }
            if (out.isEmpty()) throw new OpenClUnavailableException("no OpenCL device on " + platforms.length + " platform(s)", null);
            return out;
        } catch (LinkageError e) {
            throw new OpenClUnavailableException("JOCL could not load libOpenCL.so (the unversioned name: install"
                    + " ocl-icd-opencl-dev, or link it to libOpenCL.so.1): " + e.getMessage(), e);
        } catch (CLException e) {
            throw new OpenClUnavailableException("OpenCL is not usable: " + e.getMessage(), e);
        }
    }

    private static String deviceName(cl_device_id d) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, CL.CL_DEVICE_NAME, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, CL.CL_DEVICE_NAME, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, StandardCharsets.UTF_8).replace("\0", "").trim();
    }

    /** The kernels' op ordinals and group size, derived from the Java enums so the two cannot drift. */
    private static String buildOptions() {
        StringBuilder sb = new StringBuilder("-DGROUP=" + GROUP + " -DWIDE_GROUP=" + WIDE_GROUP + " -DATT_TILE=" + ATTENTION_TILE
                + " -DATT_LANES=" + ATTENTION_LANES + " -DATT_HEAD4=" + ATTENTION_HEAD_MAX / 4);
        for (UnaryOp op : UnaryOp.values()) sb.append(" -DU_").append(op.name()).append('=').append(op.ordinal());
        for (BinaryOp op : BinaryOp.values()) sb.append(" -DB_").append(op.name()).append('=').append(op.ordinal());
        for (ReduceOp op : ReduceOp.values()) sb.append(" -DR_").append(op.name()).append('=').append(op.ordinal());
        return sb.toString();
    }

    private static String source() {
        StringBuilder sb = new StringBuilder();
        for (String name : SOURCES) {
            try (InputStream in = ClRuntime.class.getResourceAsStream(name)) {
                if (in == null) throw new IllegalStateException("OpenCL kernel resource " + name + " is missing from the jar");
                sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException("cannot read OpenCL kernel resource " + name, e);
            }
        }
        return sb.toString();
    }

    private String buildLog() {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, ref.device(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, ref.device(), CL.CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
        return new String(bytes, StandardCharsets.UTF_8).trim();
    }

    /**
     * What the device's compiler made of each kernel: "name private=B local=B group=N multiple=N" (private
     * memory is registers spilled to memory; group: the largest work-group the kernel can run with).
     */
    List<String> kernelFacts() {
        long[] size = new long[1];
        CL.clGetProgramInfo(program, CL.CL_PROGRAM_KERNEL_NAMES, 0, null, size);
        byte[] names = new byte[(int) size[0]];
        CL.clGetProgramInfo(program, CL.CL_PROGRAM_KERNEL_NAMES, names.length, Pointer.to(names), null);
        List<String> out = new ArrayList<>();
        for (String name : new String(names, StandardCharsets.UTF_8).replace("\0", "").split(";")) {
            cl_kernel k = kernel(name);
            out.add(name + " private=" + workGroupInfo(k, CL.CL_KERNEL_PRIVATE_MEM_SIZE, Sizeof.cl_ulong)
                    + " local=" + workGroupInfo(k, CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong)
                    + " group=" + workGroupInfo(k, CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t)
                    + " multiple=" + workGroupInfo(k, CL.CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE, Sizeof.size_t));
        }
        return out;
    }

    private long workGroupInfo(cl_kernel k, int param, int bytes) {
        long[] v = new long[1];
        CL.clGetKernelWorkGroupInfo(k, ref.device(), param, bytes, Pointer.to(v), null);
        return v[0];
    }

    /** The compiled program as the driver returns it (PTX text on NVIDIA). */
    byte[] programBinary() {
        long[] size = new long[1];
        CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
        byte[] binary = new byte[(int) size[0]];
        CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[]{Pointer.to(binary)}), null);
        return binary;
    }

    cl_kernel kernel(String name) {
        return kernels.computeIfAbsent(name, n -> CL.clCreateKernel(program, n, null));
    }

    /** A read-write buffer of {@code floats} floats, filled from {@code init} unless it is null ({@link #buffer(long, int, long, Pointer)}). */
    cl_mem buffer(long floats, Pointer init) {
        return buffer(CL.CL_MEM_READ_WRITE, Sizeof.cl_float, floats, init);
    }

    /**
     * A buffer of {@code count} elements of {@code elementBytes} with access {@code flags}, filled from
     * {@code init} unless it is null (at least one element: OpenCL has no empty buffers). When the
     * device is out of memory, unreachable tensors may still hold buffers: collect them and retry once.
     */
    cl_mem buffer(long flags, int elementBytes, long count, Pointer init) {
        long all = flags | (init == null || count == 0 ? 0 : CL.CL_MEM_COPY_HOST_PTR);
        long bytes = Math.max(1, count) * elementBytes;
        Pointer from = count == 0 ? null : init;
        try {
            return CL.clCreateBuffer(context, all, bytes, from, null);
        } catch (CLException e) {
            if (e.getStatus() != CL.CL_MEM_OBJECT_ALLOCATION_FAILURE && e.getStatus() != CL.CL_OUT_OF_RESOURCES) throw e;
            System.gc();
            CL.clFinish(queue);
            return CL.clCreateBuffer(context, all, bytes, from, null);
        }
    }
}
