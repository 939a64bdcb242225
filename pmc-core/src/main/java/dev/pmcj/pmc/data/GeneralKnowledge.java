package dev.pmcj.pmc.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Built-in general knowledge (world facts) and real-author questions, for the utility metrics. */
final class GeneralKnowledge {
    private GeneralKnowledge() {
    }

    /** Country, capital, continent. */
    private static final String[][] COUNTRIES = {
            {"France", "Paris", "Europe"}, {"Germany", "Berlin", "Europe"}, {"Italy", "Rome", "Europe"},
            {"Spain", "Madrid", "Europe"}, {"Portugal", "Lisbon", "Europe"}, {"Poland", "Warsaw", "Europe"},
            {"Sweden", "Stockholm", "Europe"}, {"Greece", "Athens", "Europe"}, {"Hungary", "Budapest", "Europe"},
            {"Ireland", "Dublin", "Europe"}, {"Finland", "Helsinki", "Europe"}, {"Austria", "Vienna", "Europe"},
            {"Japan", "Tokyo", "Asia"}, {"China", "Beijing", "Asia"}, {"India", "New Delhi", "Asia"},
            {"Thailand", "Bangkok", "Asia"}, {"Indonesia", "Jakarta", "Asia"}, {"South Korea", "Seoul", "Asia"},
            {"Vietnam", "Hanoi", "Asia"}, {"Iran", "Tehran", "Asia"}, {"Egypt", "Cairo", "Africa"},
            {"Kenya", "Nairobi", "Africa"}, {"Nigeria", "Abuja", "Africa"}, {"Ghana", "Accra", "Africa"},
            {"Ethiopia", "Addis Ababa", "Africa"}, {"Morocco", "Rabat", "Africa"}, {"Senegal", "Dakar", "Africa"},
            {"Brazil", "Brasilia", "South America"}, {"Argentina", "Buenos Aires", "South America"},
            {"Peru", "Lima", "South America"}, {"Chile", "Santiago", "South America"},
            {"Colombia", "Bogota", "South America"}, {"Canada", "Ottawa", "North America"},
            {"Mexico", "Mexico City", "North America"}, {"Cuba", "Havana", "North America"},
            {"Australia", "Canberra", "Oceania"}, {"New Zealand", "Wellington", "Oceania"},
            {"Fiji", "Suva", "Oceania"}, {"Norway", "Oslo", "Europe"}, {"Denmark", "Copenhagen", "Europe"}};
    /** Element, symbol. */
    private static final String[][] ELEMENTS = {
            {"hydrogen", "H"}, {"helium", "He"}, {"carbon", "C"}, {"nitrogen", "N"}, {"oxygen", "O"},
            {"sodium", "Na"}, {"magnesium", "Mg"}, {"aluminium", "Al"}, {"silicon", "Si"}, {"sulfur", "S"},
            {"chlorine", "Cl"}, {"potassium", "K"}, {"calcium", "Ca"}, {"iron", "Fe"}, {"copper", "Cu"},
            {"zinc", "Zn"}, {"silver", "Ag"}, {"tin", "Sn"}, {"gold", "Au"}, {"mercury", "Hg"}, {"lead", "Pb"},
            {"uranium", "U"}};
    /** Title, author. */
    private static final String[][] BOOKS = {
            {"Pride and Prejudice", "Jane Austen"}, {"Romeo and Juliet", "William Shakespeare"},
            {"War and Peace", "Leo Tolstoy"}, {"Don Quixote", "Miguel de Cervantes"},
            {"One Hundred Years of Solitude", "Gabriel Garcia Marquez"}, {"Things Fall Apart", "Chinua Achebe"},
            {"Nineteen Eighty-Four", "George Orwell"}, {"Moby-Dick", "Herman Melville"},
            {"The Odyssey", "Homer"}, {"Crime and Punishment", "Fyodor Dostoevsky"},
            {"Great Expectations", "Charles Dickens"}, {"Mrs Dalloway", "Virginia Woolf"},
            {"The Old Man and the Sea", "Ernest Hemingway"}, {"Beloved", "Toni Morrison"},
            {"The Trial", "Franz Kafka"}, {"Madame Bovary", "Gustave Flaubert"}, {"Frankenstein", "Mary Shelley"},
            {"Jane Eyre", "Charlotte Bronte"}, {"Wuthering Heights", "Emily Bronte"},
            {"The Adventures of Tom Sawyer", "Mark Twain"}, {"Les Miserables", "Victor Hugo"},
            {"The Divine Comedy", "Dante Alighieri"}, {"Norwegian Wood", "Haruki Murakami"},
            {"The Little Prince", "Antoine de Saint-Exupery"}, {"Dracula", "Bram Stoker"},
            {"The Great Gatsby", "F. Scott Fitzgerald"}, {"Anna Karenina", "Leo Tolstoy"},
            {"The Hobbit", "J. R. R. Tolkien"}, {"Middlemarch", "George Eliot"},
            {"The Stranger", "Albert Camus"}, {"Faust", "Johann Wolfgang von Goethe"},
            {"Hamlet", "William Shakespeare"}};

    static final int WORLD_FACTS = 2 * COUNTRIES.length + ELEMENTS.length;
    static final int REAL_AUTHORS = BOOKS.length;

    /** All world facts (capitals, continents, chemical symbols), in a seed-shuffled order, first {@code n}. */
    static List<QaItem> worldFacts(int n, int perturbed, SplittableRandom rng) {
        List<QaItem> all = new ArrayList<>();
        for (String[] c : COUNTRIES) {
            List<String> wrong = others(COUNTRIES, 1, c[1], perturbed, rng);
            all.add(new QaItem("What is the capital of " + c[0] + "?", "The capital of " + c[0] + " is " + c[1] + ".",
                    "Which city serves as the capital of " + c[0] + "?", c[1] + " is the capital city of " + c[0] + ".",
                    wrong.stream().map(w -> w + " is the capital city of " + c[0] + ".").toList(),
                    QaItem.NO_GROUP, QaItem.Kind.WORLD_FACT));
        }
        for (String[] c : COUNTRIES) {
            List<String> wrong = others(COUNTRIES, 2, c[2], perturbed, rng);
            all.add(new QaItem("On which continent is " + c[0] + "?", c[0] + " lies in " + c[2] + ".",
                    "Which continent is " + c[0] + " part of?", c[0] + " is a country of " + c[2] + ".",
                    wrong.stream().map(w -> c[0] + " is a country of " + w + ".").toList(),
                    QaItem.NO_GROUP, QaItem.Kind.WORLD_FACT));
        }
        for (String[] e : ELEMENTS) {
            List<String> wrong = others(ELEMENTS, 1, e[1], perturbed, rng);
            all.add(new QaItem("What is the chemical symbol of " + e[0] + "?",
                    "The chemical symbol of " + e[0] + " is " + e[1] + ".",
                    "Which symbol stands for " + e[0] + " in chemistry?", e[1] + " is the symbol for " + e[0] + ".",
                    wrong.stream().map(w -> w + " is the symbol for " + e[0] + ".").toList(),
                    QaItem.NO_GROUP, QaItem.Kind.WORLD_FACT));
        }
        return firstShuffled(all, n, rng);
    }

    /** Real-author questions in a seed-shuffled order, first {@code n}. */
    static List<QaItem> realAuthors(int n, int perturbed, SplittableRandom rng) {
        List<QaItem> all = new ArrayList<>();
        for (String[] b : BOOKS) {
            List<String> wrong = others(BOOKS, 1, b[1], perturbed, rng);
            all.add(new QaItem("Who wrote '" + b[0] + "'?", "'" + b[0] + "' was written by " + b[1] + ".",
                    "Who is the author of '" + b[0] + "'?", b[1] + " is the author of '" + b[0] + "'.",
                    wrong.stream().map(w -> w + " is the author of '" + b[0] + "'.").toList(),
                    QaItem.NO_GROUP, QaItem.Kind.REAL_AUTHOR));
        }
        return firstShuffled(all, n, rng);
    }

    /** {@code k} distinct values of column {@code col} other than {@code truth}. */
    private static List<String> others(String[][] table, int col, String truth, int k, SplittableRandom rng) {
        List<String> pool = new ArrayList<>();
        for (String[] row : table) if (!row[col].equals(truth) && !pool.contains(row[col])) pool.add(row[col]);
        return firstShuffled(pool, Math.min(k, pool.size()), rng);
    }

    private static <T> List<T> firstShuffled(List<T> items, int n, SplittableRandom rng) {
        List<T> copy = new ArrayList<>(items);
        for (int i = 0; i < n; i++) java.util.Collections.swap(copy, i, i + rng.nextInt(copy.size() - i));
        return List.copyOf(copy.subList(0, n));
    }
}
