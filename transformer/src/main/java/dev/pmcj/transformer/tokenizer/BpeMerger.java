package dev.pmcj.transformer.tokenizer;

/**
 * The BPE merge loop shared by every tokenizer: repeatedly merge the adjacent pair with the lowest
 * priority, leftmost first on ties (what Hugging Face's BPE, GPT-2's bpe() and llama2.c's encode() all
 * compute). Symbols live in a linked list over an array; candidate pairs sit in a min-heap of
 * (priority, position) and are re-validated when popped, so each merge costs O(log n).
 */
final class BpeMerger {
    private BpeMerger() {
    }

    static int[] merge(int[] ids, MergeTable table) {
        int n = ids.length;
        if (n < 2) return ids.clone();
        int[] sym = ids.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) offer(heap, table, sym[i], sym[i + 1], i);
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.poll();
            int priority = (int) (top >>> 32);
            int pos = (int) top;
            int right = next[pos];
            if (sym[pos] < 0 || right < 0) continue;
            long rule = table.get(sym[pos], sym[right]);
            if (rule == MergeTable.NONE || MergeTable.priority(rule) != priority) continue; // stale entry
            sym[pos] = MergeTable.merged(rule);
            sym[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) prev[next[pos]] = pos;
            alive--;
            if (prev[pos] >= 0) offer(heap, table, sym[prev[pos]], sym[pos], prev[pos]);
            if (next[pos] >= 0) offer(heap, table, sym[pos], sym[next[pos]], pos);
        }
        int[] out = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private static void offer(LongHeap heap, MergeTable table, int left, int right, int pos) {
        long rule = table.get(left, right);
        if (rule != MergeTable.NONE) heap.add(((long) MergeTable.priority(rule) << 32) | pos);
    }

    /** A binary min-heap of longs, without boxing. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long v) {
            if (size == items.length) items = java.util.Arrays.copyOf(items, size * 2);
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= v) break;
                items[i] = items[parent];
                i = parent;
            }
            items[i] = v;
        }

        long poll() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && items[child + 1] < items[child]) child++;
                if (items[child] >= last) break;
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
