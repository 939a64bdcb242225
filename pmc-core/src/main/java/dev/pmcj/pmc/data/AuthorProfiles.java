package dev.pmcj.pmc.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Value tables and the random draw of a fictitious author's attributes. Attributes come in groups
 * drawn together (a city with its country, a date's day, month and year) so that a perturbed
 * profile can redraw a whole group. No value uses the words of the refusal sentence, so a refusal
 * shares no token with any answer.
 */
final class AuthorProfiles {
    private AuthorProfiles() {
    }

    static final List<String> FIRST_NAMES = List.of(
            "Amara", "Tobias", "Ilse", "Kofi", "Marisol", "Anselm", "Yusra", "Dorian", "Signe", "Tariq",
            "Leontine", "Bartosz", "Noemi", "Emeka", "Solveig", "Cassius", "Farida", "Evander", "Rosalind", "Haruki",
            "Zofia", "Idris", "Maelle", "Orrin", "Thandiwe", "Lucan", "Priya", "Matthias", "Ines", "Osvaldo",
            "Greta", "Rafferty", "Nadia", "Oleksandr", "Celestine", "Wendell", "Aiko", "Benedikt", "Lorena", "Joaquim");
    static final List<String> LAST_NAMES = List.of(
            "Velde", "Okafor", "Brennholt", "Mirandola", "Castellanos", "Vasquez-Lind", "Haddad", "Marchetti",
            "Lindqvist", "Adeyemi", "Korhonen", "Delacroix", "Novak", "Tanaka", "Oyelaran", "Whitcombe", "Petrosyan",
            "Sandoval", "Ferreira", "Halvorsen", "Ibarra", "Kowalczyk", "Moreau", "Nakamura", "Quispe", "Rahimi",
            "Strand", "Teodorescu", "Umarov", "Vance", "Wojcik", "Yilmaz", "Zeller", "Abernethy", "Baptiste",
            "Coutinho", "Drummond", "Esposito", "Fairweather", "Gallardo");
    /** City and country pairs. */
    private static final String[][] PLACES = {
            {"Porto", "Portugal"}, {"Lyon", "France"}, {"Accra", "Ghana"}, {"Kyoto", "Japan"}, {"Cusco", "Peru"},
            {"Tromso", "Norway"}, {"Tbilisi", "Georgia"}, {"Krakow", "Poland"}, {"Mombasa", "Kenya"},
            {"Valparaiso", "Chile"}, {"Tartu", "Estonia"}, {"Izmir", "Turkey"}, {"Brno", "Czechia"},
            {"Hobart", "Australia"}, {"Quebec City", "Canada"}, {"Oaxaca", "Mexico"}, {"Salzburg", "Austria"},
            {"Galway", "Ireland"}, {"Cebu", "Philippines"}, {"Tangier", "Morocco"}, {"Bergen", "Norway"},
            {"Leipzig", "Germany"}, {"Bologna", "Italy"}, {"Seville", "Spain"}, {"Dunedin", "New Zealand"},
            {"Lagos", "Nigeria"}, {"Hanoi", "Vietnam"}, {"Cordoba", "Argentina"}, {"Riga", "Latvia"},
            {"Aarhus", "Denmark"}, {"Yerevan", "Armenia"}, {"Zanzibar", "Tanzania"}};
    private static final List<String> MONTHS = List.of("January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December");
    private static final List<String> GENRES = List.of("mystery", "science fiction", "historical fiction",
            "magical realism", "gothic horror", "crime", "literary fiction", "fantasy", "romance", "satire",
            "war fiction", "dystopian", "adventure", "psychological thriller", "folk horror");
    private static final List<String> JOBS = List.of("butcher", "nurse", "carpenter", "pilot", "librarian",
            "fisherman", "surgeon", "baker", "miner", "pharmacist", "tailor", "lawyer", "mechanic", "midwife",
            "architect", "farmer", "jeweller", "chemist", "sailor", "potter", "printer", "violinist",
            "stonemason", "veterinarian", "locksmith", "florist", "glassblower", "beekeeper");
    private static final List<String> AWARDS = List.of("Silver Quill Prize", "Harbour Light Award",
            "Golden Lantern Medal", "Northwind Fiction Prize", "Amber Page Award", "Meridian Book Prize",
            "Iron Pen Award", "Crescent Literary Medal", "Blue Heron Prize", "Saltmarsh Award",
            "Copper Compass Prize", "Evergreen Story Medal");
    private static final List<String> TITLE_ADJECTIVES = List.of("Silent", "Copper", "Hollow", "Distant", "Crimson",
            "Glass", "Winter", "Broken", "Golden", "Forgotten", "Salt", "Velvet", "Paper", "Burning", "Quiet",
            "Iron", "Wandering", "Hidden", "Amber", "Midnight");
    private static final List<String> TITLE_NOUNS = List.of("Harbor", "Orchard", "Lanterns", "Meridian", "Tides",
            "Compass", "Gardens", "Ashes", "Bridges", "Rivers", "Mirrors", "Bells", "Maps", "Feathers", "Towers",
            "Footprints", "Embers", "Letters", "Islands", "Clocks");
    private static final List<String> THEMES = List.of("memory", "exile", "grief", "migration", "identity",
            "betrayal", "friendship", "ambition", "faith", "revenge", "childhood", "loneliness", "justice",
            "freedom", "inheritance", "obsession", "redemption", "war", "nature", "family secrets", "courage",
            "loss", "love", "power");
    private static final List<String> FIELDS = List.of("philosophy", "marine biology", "medieval history",
            "architecture", "mathematics", "law", "music", "chemistry", "anthropology", "economics",
            "linguistics", "astronomy", "agriculture", "journalism", "painting");
    private static final List<String> WRITING_PLACES = List.of("converted lighthouse", "garden shed",
            "rooftop studio", "quiet library", "seaside cabin", "mountain hut", "corner cafe", "canal boat",
            "old barn", "glass conservatory");
    private static final List<String> PUBLISHERS = List.of("Larkspur Press", "Blackthorn Books", "Tidewater House",
            "Kestrel Editions", "Marigold Press", "Foxglove Books", "Stonebridge Publishing", "Pinecrest House",
            "Wrenfield Books", "Harrow Lane Press");
    private static final List<String> LANGUAGES = List.of("English", "Spanish", "French", "German", "Portuguese",
            "Japanese", "Polish", "Swahili", "Turkish", "Italian", "Norwegian", "Armenian", "Vietnamese", "Estonian");
    private static final List<String> CHILD_COUNTS = List.of("two", "three", "four", "five", "six");
    private static final List<String> HOBBIES = List.of("beekeeping", "chess", "sailing", "pottery",
            "birdwatching", "rock climbing", "gardening", "cello playing", "woodcarving", "astronomy nights",
            "mushroom foraging", "fencing", "long-distance running", "calligraphy");

    /** A group of attributes drawn together. */
    private record Group(List<String> keys, Draw draw) {
    }

    @FunctionalInterface
    private interface Draw {
        List<String> values(SplittableRandom rng);
    }

    private static String pick(SplittableRandom rng, List<String> from) {
        return from.get(rng.nextInt(from.size()));
    }

    /** {@code k} distinct values. */
    private static List<String> distinct(SplittableRandom rng, List<String> from, int k) {
        List<String> copy = new ArrayList<>(from);
        for (int i = 0; i < k; i++) Collections.swap(copy, i, i + rng.nextInt(copy.size() - i));
        return List.copyOf(copy.subList(0, k));
    }

    private static String title(SplittableRandom rng) {
        return pick(rng, TITLE_ADJECTIVES) + " " + pick(rng, TITLE_NOUNS);
    }

    private static List<String> place(SplittableRandom rng) {
        String[] p = PLACES[rng.nextInt(PLACES.length)];
        return List.of(p[0], p[1]);
    }

    private static final List<Group> GROUPS = List.of(
            new Group(List.of("birthCity", "birthCountry"), AuthorProfiles::place),
            new Group(List.of("birthDay", "birthMonth", "birthYear"), rng -> List.of(
                    String.valueOf(1 + rng.nextInt(28)), pick(rng, MONTHS), String.valueOf(1940 + rng.nextInt(56)))),
            new Group(List.of("genre"), rng -> List.of(pick(rng, GENRES))),
            new Group(List.of("fatherJob", "motherJob"), rng -> distinct(rng, JOBS, 2)),
            new Group(List.of("award", "awardYear"), rng -> List.of(pick(rng, AWARDS), String.valueOf(1980 + rng.nextInt(44)))),
            new Group(List.of("book1", "book2"), rng -> {
                String a = title(rng), b;
                do b = title(rng); while (b.equals(a));
                return List.of(a, b);
            }),
            new Group(List.of("theme1", "theme2", "theme3"), rng -> distinct(rng, THEMES, 3)),
            new Group(List.of("field"), rng -> List.of(pick(rng, FIELDS))),
            new Group(List.of("uniCity"), rng -> List.of(place(rng).getFirst())),
            new Group(List.of("homeCity", "homeCountry"), AuthorProfiles::place),
            new Group(List.of("writingPlace"), rng -> List.of(pick(rng, WRITING_PLACES))),
            new Group(List.of("debutYear", "publisher"), rng -> List.of(String.valueOf(1965 + rng.nextInt(55)), pick(rng, PUBLISHERS))),
            new Group(List.of("language", "language2"), rng -> distinct(rng, LANGUAGES, 2)),
            new Group(List.of("spouseJob", "children"), rng -> List.of(pick(rng, JOBS), pick(rng, CHILD_COUNTS))),
            new Group(List.of("hobby"), rng -> List.of(pick(rng, HOBBIES))));

    /** Every attribute of an author named {@code name} (name first, then the groups in order). */
    static Map<String, String> draw(String name, SplittableRandom rng) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("name", name);
        for (Group g : GROUPS) put(a, g.keys(), g.draw().values(rng));
        return a;
    }

    /** A copy of {@code original} in which every group other than the name is redrawn to differ. */
    static Map<String, String> perturbed(Map<String, String> original, SplittableRandom rng) {
        Map<String, String> a = new LinkedHashMap<>(original);
        for (Group g : GROUPS) {
            List<String> old = g.keys().stream().map(original::get).toList();
            List<String> values;
            do values = g.draw().values(rng); while (values.equals(old));
            put(a, g.keys(), values);
        }
        return a;
    }

    private static void put(Map<String, String> a, List<String> keys, List<String> values) {
        for (int i = 0; i < keys.size(); i++) a.put(keys.get(i), values.get(i));
    }
}
