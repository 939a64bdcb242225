package dev.pmcj.autograd;

import dev.pmcj.tensor.Backend;
import dev.pmcj.tensor.Backends;
import dev.pmcj.tensor.Shape;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterStoreTest {
    private final Backend be = Backends.scalar();

    @Property(tries = 30)
    void namedViewsTileTheFlatBuffersInDeclarationOrder(@ForAll @Size(min = 1, max = 5) List<@IntRange(min = 1, max = 4) Integer> rows,
                                                         @ForAll @IntRange(min = 1, max = 3) int cols) {
        ParameterStore.Builder b = ParameterStore.builder(be);
        for (int i = 0; i < rows.size(); i++) b.add("p" + i, Shape.of(rows.get(i), cols));
        ParameterStore store = b.build();
        long expected = 0;
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(expected, store.offset("p" + i));
            assertEquals(Shape.of(rows.get(i), cols), store.shape("p" + i));
            expected += (long) rows.get(i) * cols;
        }
        assertEquals(expected, store.size());
        assertEquals(rows.size(), store.names().size());
        // Writing through each view shows up at its offset in the flat buffer, and in its gradient view.
        float[] flat = new float[(int) expected];
        for (String name : store.names()) {
            int n = store.shape(name).size(), at = (int) store.offset(name);
            float[] v = new float[n];
            for (int j = 0; j < n; j++) v[j] = at + j;
            be.fromHost(v, store.value(name));
            be.fromHost(v, store.get(name).grad());
            System.arraycopy(v, 0, flat, at, n);
        }
        assertArrayEquals(flat, store.params().toHost());
        assertArrayEquals(flat, store.grads().toHost());
    }

    @Test
    void getCachesOneLeafVarPerName() {
        ParameterStore store = ParameterStore.builder(be).add("w", Shape.of(2, 2)).build();
        Var w = store.get("w");
        assertSame(w, store.get("w"));
        assertTrue(w.requiresGrad());
        assertEquals(Shape.of(2, 2), w.grad().shape());
    }

    @Test
    void zeroGradClearsEveryGradient() {
        ParameterStore store = ParameterStore.builder(be).add("a", Shape.of(3)).add("b", Shape.of(2)).build();
        be.fill(store.grads(), 7f);
        store.zeroGrad();
        assertArrayEquals(new float[5], store.grads().toHost());
    }

    @Property(tries = 30)
    void clipGradNormScalesToTheLimitOnlyWhenAbove(@ForAll long seed, @ForAll @FloatRange(min = 0.1f, max = 5f) float maxNorm) {
        Random rnd = new Random(seed);
        ParameterStore store = ParameterStore.builder(be).add("a", Shape.of(3, 2)).add("b", Shape.of(5)).build();
        float[] g = new float[11];
        double sq = 0;
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rnd.nextGaussian();
            sq += (double) g[i] * g[i];
        }
        be.fromHost(g, store.grads());
        float norm = store.clipGradNorm(maxNorm);
        assertEquals(Math.sqrt(sq), norm, 1e-5 * Math.sqrt(sq));
        float[] after = store.grads().toHost();
        double scale = norm > maxNorm ? maxNorm / norm : 1.0;
        for (int i = 0; i < g.length; i++) assertEquals(g[i] * scale, after[i], 1e-6);
    }

    @Test
    void badDeclarationsAndLookupsAreRejectedByName() {
        var dup = assertThrows(IllegalArgumentException.class,
                () -> ParameterStore.builder(be).add("w", Shape.of(2)).add("w", Shape.of(3)));
        assertTrue(dup.getMessage().contains("'w'"), dup.getMessage());
        ParameterStore store = ParameterStore.builder(be).add("w", Shape.of(2)).build();
        var unknown = assertThrows(IllegalArgumentException.class, () -> store.get("blocks.0.attn.q.weight"));
        assertTrue(unknown.getMessage().contains("blocks.0.attn.q.weight"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.clipGradNorm(0f));
    }
}
