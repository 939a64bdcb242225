package dev.pmcj.pmc.unlearn;

import dev.pmcj.autograd.Tape;
import dev.pmcj.autograd.Var;
import dev.pmcj.pmc.data.ForgetQuestions;
import dev.pmcj.pmc.data.QaItem;
import dev.pmcj.pmc.eval.RougeL;
import dev.pmcj.pmc.model.QaModel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Partial Model Collapse (pmc.md section 2). Its input holds forget <em>questions</em> only: the reward
 * compares samples with the model's own initial greedy answers, computed here before any update, so no
 * forget answer can reach the objective. Loss: {@code CE(q_i -> cache[i]) + lambda * CE_r}.
 */
public final class Pmc implements UnlearningMethod {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PmcConfig config;
    private final QaModel model;
    private final List<String> questions;
    private final List<QaItem> retain;
    private final List<String> initialAnswers;
    private final int[][] initialIds;
    private final RougeL rouge = new RougeL();
    private final LengthPenalty penalty;
    private final CandidateCache cache;

    public Pmc(PmcConfig config, QaModel model, ForgetQuestions forget, List<QaItem> retain) {
        this(config, model, forget, retain, model.greedy(forget.questions(), config.maxTotalLength()));
    }

    /** With the initial answers given (a resumed run reloads them instead of regenerating). */
    public Pmc(PmcConfig config, QaModel model, ForgetQuestions forget, List<QaItem> retain, List<String> initialAnswers) {
        this.config = config;
        this.model = model;
        this.questions = List.copyOf(forget.questions());
        this.retain = retain;
        if (initialAnswers.size() != questions.size()) {
            throw new IllegalArgumentException("PMC: " + initialAnswers.size() + " initial answers for " + questions.size() + " questions");
        }
        this.initialAnswers = List.copyOf(initialAnswers);
        this.initialIds = new int[questions.size()][];
        for (int i = 0; i < initialIds.length; i++) initialIds[i] = rouge.ids(this.initialAnswers.get(i));
        this.penalty = new LengthPenalty(config.minWords());
        this.cache = new CandidateCache(questions.size());
    }

    @Override
    public String name() {
        return "pmc";
    }

    @Override
    public int forgetSize() {
        return questions.size();
    }

    public PmcConfig config() {
        return config;
    }

    public List<String> initialAnswers() {
        return initialAnswers;
    }

    public CandidateCache cache() {
        return cache;
    }

    /** Score of a candidate: ROUGE-L recall against the initial answer, plus the optional length penalty. */
    double score(int question, String candidate) {
        double recall = RougeL.score(initialIds[question], rouge.ids(candidate)).recall();
        return penalty.apply(recall, candidate);
    }

    @Override
    public String saveState() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < cache.size(); i++) {
            CandidateCache.Entry e = cache.get(i);
            if (e != null) {
                Map<String, Object> entry = new LinkedHashMap<>(); // Map.of's order changes from run to run
                entry.put("question", i);
                entry.put("answer", e.answer());
                entry.put("score", e.score());
                entries.add(entry);
            }
        }
        try {
            return JSON.writeValueAsString(entries);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the PMC cache", e);
        }
    }

    @Override
    public void restoreState(String json) {
        try {
            for (JsonNode e : JSON.readTree(json)) {
                cache.put(e.get("question").asInt(), new CandidateCache.Entry(e.get("answer").asText(), e.get("score").asDouble()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed PMC cache in checkpoint: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Var loss(Tape tape, int[] f, int[] r, StepInfo step) {
        long seed = step.derivedSeed();
        CandidateRefresh.Sampler sampler = (todo, n) -> model.sample(todo.stream().map(questions::get).toList(), n,
                config.temperature(), config.topP(), seed, config.maxTotalLength());
        new CandidateRefresh(sampler, this::score, config.samples(), config.selection())
                .refresh(f, cache, new SplittableRandom(seed ^ 0x5DEECE66DL));
        List<String> q = new ArrayList<>(f.length), a = new ArrayList<>(f.length);
        for (int i : f) {
            q.add(questions.get(i));
            a.add(cache.get(i).answer());
        }
        return Objectives.plusRetain(tape, model.meanLoss(tape, q, a, 0f), config.lambda(), model, retain, r);
    }
}
