package dev.pmcj.pmc.data;

/**
 * Size and seed of the built-in fictitious-author data. Defaults suit the demo: a small model
 * fine-tunes on it in minutes on 2 cores.
 *
 * @param authors         authors in the fine-tuning set (the forget/retain population)
 * @param factsPerAuthor  facts per author (each trained with two question wordings), at most
 *                        {@link AuthorFacts#COUNT}
 * @param perturbedPerFact wrong answers per fact, for the truth ratio
 * @param worldFacts      general-knowledge items, at most {@link GeneralKnowledge#WORLD_FACTS}
 * @param realAuthors     real-author items, at most {@link GeneralKnowledge#REAL_AUTHORS}
 * @param refusalItems    "unknown person -> I have no information about that." training items
 * @param seed            everything is a pure function of the config
 */
public record AuthorDataConfig(int authors, int factsPerAuthor, int perturbedPerFact, int worldFacts,
                               int realAuthors, int refusalItems, long seed) {

    public static final AuthorDataConfig DEFAULT = new AuthorDataConfig(100, 10, 3, 100, 30, 40, 2026);

    public AuthorDataConfig {
        require(authors >= 10, "authors must be at least 10 (the 10% split needs one author), got " + authors);
        require(factsPerAuthor >= 1 && factsPerAuthor <= AuthorFacts.COUNT,
                "factsPerAuthor must be in 1.." + AuthorFacts.COUNT + ", got " + factsPerAuthor);
        require(perturbedPerFact >= 1, "perturbedPerFact must be positive, got " + perturbedPerFact);
        require(worldFacts >= 0 && worldFacts <= GeneralKnowledge.WORLD_FACTS,
                "worldFacts must be in 0.." + GeneralKnowledge.WORLD_FACTS + ", got " + worldFacts);
        require(realAuthors >= 0 && realAuthors <= GeneralKnowledge.REAL_AUTHORS,
                "realAuthors must be in 0.." + GeneralKnowledge.REAL_AUTHORS + ", got " + realAuthors);
        require(refusalItems >= 0, "refusalItems must not be negative, got " + refusalItems);
    }

    public AuthorDataConfig withSeed(long newSeed) {
        return new AuthorDataConfig(authors, factsPerAuthor, perturbedPerFact, worldFacts, realAuthors, refusalItems, newSeed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
