/** A mistake on the command line (unknown experiment id, bad option value): reported as its message alone. */
export class UsageError extends Error {}
