package io.cellhub.security;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

import io.quarkus.security.identity.SecurityIdentity;

/** {@code {inject:currentUser.…}} in templates: who is looking at the page, and whether they may write. */
@Named("currentUser")
@RequestScoped
public class CurrentUser {

    private final SecurityIdentity identity;
    private final SecurityConfig config;

    public CurrentUser(SecurityIdentity identity, SecurityConfig config) {
        this.identity = identity;
        this.config = config;
    }

    public boolean loggedIn() {
        return config.enabled() && !identity.isAnonymous();
    }

    public String name() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    /** True for operators, and for everyone when security is off. */
    public boolean operator() {
        return !config.enabled() || identity.hasRole(Role.OPERATOR_NAME);
    }
}
