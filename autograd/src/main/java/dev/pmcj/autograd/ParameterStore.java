package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Shape;
import dev.pmcj.tensor.Tensor;

import java.util.List;

/**
 * Every parameter of a model in one flat buffer, with gradients and the optimizer's two moment
 * buffers laid out identically; each named parameter is a view at a {@code long} offset
 * ({@code blocks.3.attn.qkv.weight}). Zeroing, clipping and the optimizer step are single passes
 * over the flat buffers. Build with {@link #builder}: declare every (name, shape), then allocate once.
 */
public final class ParameterStore {
    private ParameterStore() {
    }

    private static UnsupportedOperationException todo() {
        return new UnsupportedOperationException("not implemented yet (issue 2)");
    }

    public static Builder builder(Backend backend) { throw todo(); }

    public interface Builder {
        /** Declares a parameter; names must be unique. */
        Builder add(String name, Shape shape);

        /** Allocates the flat buffers (zeros) and creates the views. */
        ParameterStore build();
    }

    public Backend backend() { throw todo(); }
    /** Parameter names in declaration order (= layout order). */
    public List<String> names() { throw todo(); }
    public boolean contains(String name) { throw todo(); }
    public Shape shape(String name) { throw todo(); }
    public long offset(String name) { throw todo(); }
    /** Total number of scalars. */
    public long size() { throw todo(); }
    /** The parameter as a leaf Var whose gradient is its view of the flat gradient buffer. */
    public Var get(String name) { throw todo(); }
    /** View of the named parameter's values (for loading and saving checkpoints). */
    public Tensor value(String name) { throw todo(); }
    public Tensor params() { throw todo(); }
    public Tensor grads() { throw todo(); }
    public Tensor firstMoment() { throw todo(); }
    public Tensor secondMoment() { throw todo(); }
    public void zeroGrad() { throw todo(); }
    /** Scales gradients so their global L2 norm is at most {@code maxNorm}; returns the norm before. */
    public float clipGradNorm(float maxNorm) { throw todo(); }
}
