/** Replaces every secret in `text` with *** (core.setSecret only covers the log, not comments or outputs). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; GitHub's own masking skips them too.
    if (secret.length >= 4) out = out.split(secret).join('***')
  }
  return out
}
