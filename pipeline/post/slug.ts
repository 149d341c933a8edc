/** Where posts live and what a post's folder may be called; no imports, so a CLI's --help can read them at once. */
export const CONTENT_DIR = 'content';
/** A slug is the post's folder name and its URL segment. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
