package io.leap.client.rest;

/** The kinds of REST credentials, by prefix (REST spec §2.1). */
enum CredentialKind {
    PROJECT_TOKEN("ptk", "project token"),
    PERSONAL_ACCESS_TOKEN("pat", "personal access token"),
    BEARER("bearer", "bearer token");

    final String prefix;
    final String description;

    CredentialKind(String prefix, String description) {
        this.prefix = prefix;
        this.description = description;
    }

    static CredentialKind of(String credential) {
        int underscore = credential.indexOf('_');
        String prefix = underscore < 0 ? "" : credential.substring(0, underscore);
        for (CredentialKind kind : values()) {
            if (kind.prefix.equals(prefix)) {
                return kind;
            }
        }
        if (credential.startsWith("leap_token_")) {
            throw new IllegalArgumentException("a Leap token (leap_token_...) is a socket credential and is not "
                    + "accepted by the REST API: use a project token (ptk_...), a personal access token "
                    + "(pat_...) or a bearer token (bearer_...)");
        }
        throw new IllegalArgumentException("unsupported REST credential: expected a project token (ptk_...), a "
                + "personal access token (pat_...) or a bearer token (bearer_...)");
    }
}
