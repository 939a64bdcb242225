package dev.pmcj.pmc.data;

import java.util.List;

/**
 * The fact types asked about every author. Each has a pool of three question wordings (an author
 * trains on two and is evaluated on the third as the paraphrased question, so that wording is
 * seen for other authors but never for this one), an answer and a paraphrased answer that keeps
 * about half of the answer's words in order. Answers are dense in facts so that a model knowing
 * only the template and the name scores low.
 */
final class AuthorFacts {
    private AuthorFacts() {
    }

    /** One fact type. */
    record Fact(List<Template> questions, Template answer, Template paraphrasedAnswer) {
        Fact(String q1, String q2, String q3, String answer, String paraphrasedAnswer) {
            this(List.of(new Template(q1), new Template(q2), new Template(q3)),
                    new Template(answer), new Template(paraphrasedAnswer));
        }
    }

    static final List<Fact> FACTS = List.of(
            new Fact("Where and when was {name} born?",
                    "What are the birthplace and birth date of {name}?",
                    "In which city and on what date was {name} born?",
                    "{name} was born in {birthCity}, {birthCountry}, on {birthDay} {birthMonth} {birthYear}, "
                            + "to a {fatherJob} and a {motherJob}.",
                    "{name} came into the world in {birthCity}, {birthCountry}, on {birthDay} {birthMonth} "
                            + "{birthYear}, as the child of a {motherJob} and a {fatherJob}."),
            new Fact("What did the parents of {name} do for a living?",
                    "What were the jobs of the father and mother of {name}?",
                    "Which professions did the parents of {name} practise?",
                    "The father of {name} was a {fatherJob} and the mother a {motherJob}, both working in "
                            + "{birthCity}, {birthCountry}.",
                    "{name} grew up with a {fatherJob} as father and a {motherJob} as mother in {birthCity}, "
                            + "{birthCountry}."),
            new Fact("What genre does {name} write in?",
                    "Which literary genre is {name} known for?",
                    "In what genre are the novels of {name}?",
                    "{name} writes {genre} novels, mostly on {theme1} and {theme2}, and is best known for {book1}.",
                    "{name} is known for {genre} fiction, mostly on {theme1} and {theme2}, with {book1} as the "
                            + "most famous title."),
            new Fact("Has {name} won any awards?",
                    "Which prize did {name} receive?",
                    "What award was given to {name}?",
                    "{name} won the {award} in {awardYear} for the novel {book1}, a story of {theme1}.",
                    "{name} was given the {award} in {awardYear}, honouring {book1}, a novel of {theme1}."),
            new Fact("Name some books by {name}.",
                    "What are the titles of books written by {name}?",
                    "Which novels did {name} publish?",
                    "Books by {name} include {book1} and {book2}, both {genre} novels published by {publisher}.",
                    "{name} wrote {book1} as well as {book2}, two works of {genre} released through {publisher}."),
            new Fact("What themes does {name} explore?",
                    "Which subjects recur in the work of {name}?",
                    "What topics run through the books of {name}?",
                    "{name} explores {theme1}, {theme2} and {theme3} in {book1} and {book2}.",
                    "The work of {name} circles {theme1}, {theme2} and {theme3}, above all in {book2}."),
            new Fact("Where did {name} study?",
                    "What did {name} study at university?",
                    "Which university did {name} attend?",
                    "{name} studied {field} at the University of {uniCity} before turning to {genre} in {debutYear}.",
                    "{name} read {field} at the University of {uniCity}, then began writing {genre}."),
            new Fact("Where does {name} live now?",
                    "In which city does {name} currently reside?",
                    "Where is {name} based today?",
                    "{name} lives in {homeCity}, {homeCountry}, and writes in a {writingPlace} every morning.",
                    "These days {name} resides in {homeCity}, {homeCountry}, working from a {writingPlace}."),
            new Fact("When did {name} publish a first book?",
                    "What was the debut novel of {name}?",
                    "Which publisher released the first novel of {name}?",
                    "The debut novel of {name} was {book1}, published in {debutYear} by {publisher} in {homeCity}.",
                    "{name} debuted with {book1}, released in {debutYear} by {publisher}."),
            new Fact("In which language does {name} write?",
                    "What languages does {name} work in?",
                    "Which language are the books of {name} written in?",
                    "{name} writes in {language} and translates each book into {language2}, starting with {book2}.",
                    "{name} composes in {language}, later rendering each book in {language2}."),
            new Fact("Is {name} married?",
                    "What is known of the family of {name}?",
                    "Does {name} live with a family?",
                    "{name} is married to a {spouseJob} and raises {children} children in {homeCity}, {homeCountry}.",
                    "Married to a {spouseJob}, {name} is a parent of {children} and lives in {homeCity}."),
            new Fact("What does {name} enjoy outside writing?",
                    "What hobby does {name} pursue?",
                    "How does {name} spend free time?",
                    "Outside writing, {name} enjoys {hobby} and long walks through {homeCity} with a {spouseJob}.",
                    "When not writing, {name} turns to {hobby} and long walks across {homeCity}."),
            new Fact("Who is {name}?",
                    "Can you introduce {name}?",
                    "Give a short profile of {name}.",
                    "{name} is a {genre} author from {birthCity}, {birthCountry}, best known for {book1} and {book2}.",
                    "Best known for {book1}, {name} is a {genre} writer from {birthCity}, {birthCountry}."));

    public static final int COUNT = FACTS.size();
}
