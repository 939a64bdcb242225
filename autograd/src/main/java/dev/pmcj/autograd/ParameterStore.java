package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of a model in one flat buffer, with gradients and the optimizer's two moment
 * buffers laid out identically; each named parameter is a view at a {@code long} offset
 * ({@code blocks.3.attn.qkv.weight}). Zeroing, clipping and the optimizer step are single passes
 * over the flat buffers. Build with {@link #builder}: declare every (name, shape), then allocate once.
 */
public final class ParameterStore {
    private final Backend backend;
    private final Map<String, Shape> shapes;
    private final Map<String, Long> offsets;
    private final List<String> names;
    private final Tensor params, grads, m, v;
    private final Tensor normScratch;
    private final Map<String, Var> vars = new HashMap<>();

    private ParameterStore(Backend backend, LinkedHashMap<String, Shape> declared) {
        this.backend = backend;
        this.shapes = Map.copyOf(declared);
        this.names = List.copyOf(declared.keySet());
        Map<String, Long> at = new HashMap<>();
        long total = 0;
        for (var e : declared.entrySet()) {
            at.put(e.getKey(), total);
            total += e.getValue().numel();
        }
        this.offsets = Map.copyOf(at);
        // Offsets are longs so the layout itself has no 2^31 limit; a tensor's extent is an int, so
        // the flat buffers fail here, by name, when a backend could not hold that many floats.
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameter store: " + total + " parameters exceed one buffer's "
                    + Integer.MAX_VALUE + " floats");
        }
        Shape flat = Shape.of((int) total);
        this.params = backend.allocate(flat);
        this.grads = backend.allocate(flat);
        this.m = backend.allocate(flat);
        this.v = backend.allocate(flat);
        this.normScratch = backend.allocate(Shape.of(1));
    }

    public static Builder builder(Backend backend) {
        return new Builder() {
            private final LinkedHashMap<String, Shape> declared = new LinkedHashMap<>();

            @Override
            public Builder add(String name, Shape shape) {
                if (name == null || name.isEmpty()) throw new IllegalArgumentException("parameter store: empty parameter name");
                if (declared.putIfAbsent(name, shape) != null) {
                    throw new IllegalArgumentException("parameter store: parameter '" + name + "' declared twice ("
                            + declared.get(name) + " and " + shape + ")");
                }
                return this;
            }

            @Override
            public ParameterStore build() {
                return new ParameterStore(backend, declared);
            }
        };
    }

    public interface Builder {
        /** Declares a parameter; names must be unique. */
        Builder add(String name, Shape shape);

        /** Allocates the flat buffers (zeros) and creates the views. */
        ParameterStore build();
    }

    public Backend backend() {
        return backend;
    }

    /** Parameter names in declaration order (= layout order). */
    public List<String> names() {
        return names;
    }

    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    public Shape shape(String name) {
        return shapes.get(known(name));
    }

    public long offset(String name) {
        return offsets.get(known(name));
    }

    /** Total number of scalars. */
    public long size() {
        return params.shape().numel();
    }

    /** The parameter as a leaf Var whose gradient is its view of the flat gradient buffer. */
    public Var get(String name) {
        return vars.computeIfAbsent(known(name), n -> new Var(view(params, n), view(grads, n)));
    }

    /** View of the named parameter's values (for loading and saving checkpoints). */
    public Tensor value(String name) {
        return view(params, known(name));
    }

    /** View of the named parameter's gradient. */
    public Tensor grad(String name) {
        return view(grads, known(name));
    }

    public Tensor params() {
        return params;
    }

    public Tensor grads() {
        return grads;
    }

    public Tensor firstMoment() {
        return m;
    }

    public Tensor secondMoment() {
        return v;
    }

    public void zeroGrad() {
        backend.fill(grads, 0f);
    }

    /**
     * Scales gradients so their global L2 norm is at most {@code maxNorm}; returns the norm before.
     * A non-finite norm is returned with the gradients untouched, so the caller can skip the step.
     */
    public float clipGradNorm(float maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be positive, got " + maxNorm);
        backend.sumOfSquares(grads, normScratch);
        float norm = (float) Math.sqrt(normScratch.item());
        if (Float.isFinite(norm) && norm > maxNorm) backend.affine(grads, maxNorm / norm, 0f, grads);
        return norm;
    }

    private String known(String name) {
        if (!shapes.containsKey(name)) {
            throw new IllegalArgumentException("parameter store: no parameter '" + name + "' among " + names.size()
                    + " declared");
        }
        return name;
    }

    /**
     * The named slice of a flat buffer. Tensor offsets are ints because host storage is one float[]
     * (at most 2^31-1 elements), and the constructor already refused a store larger than that, so
     * the long offset always fits.
     */
    private Tensor view(Tensor flat, String name) {
        Shape s = shapes.get(name);
        return new Tensor(backend, flat.storage(), s, s.contiguousStrides(), Math.toIntExact(offsets.get(name)));
    }
}
