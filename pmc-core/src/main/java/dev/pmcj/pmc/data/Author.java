package dev.pmcj.pmc.data;

import java.util.Map;

/** A generated fictitious author: id (the items' group) and attributes (name first). */
public record Author(int id, Map<String, String> attributes) {
    public Author {
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    public String name() {
        return attributes.get("name");
    }
}
