package io.cellhub.security;

import java.util.Set;

/** What a user may do: a viewer reads everything and follows the stream; an operator also writes. */
public enum Role {
    VIEWER,
    OPERATOR;

    public static final String VIEWER_NAME = "viewer";
    public static final String OPERATOR_NAME = "operator";

    /** The role names a user of this role holds: an operator is also a viewer. */
    public Set<String> names() {
        return this == OPERATOR ? Set.of(VIEWER_NAME, OPERATOR_NAME) : Set.of(VIEWER_NAME);
    }
}
