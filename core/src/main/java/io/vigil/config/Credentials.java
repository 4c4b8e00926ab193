package io.vigil.config;

/** A user name and password pair ({@code restapi.authentication}, {@code ctl.authentication}, etcd auth). */
public record Credentials(String username, Secret password) {}
