package io.backupsuite.console.roles;

/** Published after a change of the role table; the broadcaster pushes the table to every member. */
public record RoleTableChanged(long version) {}
