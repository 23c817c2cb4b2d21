import { createHash, timingSafeEqual } from 'node:crypto'
import { InputError } from '../input-error.js'

/** A client's key: its name is what logs and metrics show; the secret never leaves this module. */
export interface ClientKey {
  name: string
  secret: string
}

/** Shorter secrets can be guessed; `openssl rand -hex 32` makes a good one. */
export const MIN_SECRET_LENGTH = 16
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/**
 * Reads `name=secret` entries (one per flag, or separated by commas or new lines in a variable or
 * file; blank lines and `#` comments skipped). `source` names where they came from, for the errors.
 */
export function parseKeys(entries: readonly string[], source: string): ClientKey[] {
  const keys: ClientKey[] = []
  for (const raw of entries.flatMap((entry) => entry.split(/[\n,]/))) {
    const entry = raw.trim()
    if (entry === '' || entry.startsWith('#')) continue
    const at = entry.indexOf('=')
    if (at <= 0) throw new InputError(`${source}: each key is written name=secret (e.g. ci-bot=$(openssl rand -hex 32)); got an entry without a name.`)
    const name = entry.slice(0, at).trim()
    const secret = entry.slice(at + 1).trim()
    if (!NAME.test(name)) throw new InputError(`${source}: the key name "${name.slice(0, 64)}" must be 1-64 letters, digits, dots, dashes or underscores; it is what logs and metrics show.`)
    if (secret.length < MIN_SECRET_LENGTH) throw new InputError(`${source}: the secret of key "${name}" has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} (e.g. openssl rand -hex 32).`)
    keys.push({ name, secret })
  }
  return keys
}

/** Refuses two keys with one name (logs could not tell them apart) or one secret under two names. */
export function checkUnique(keys: readonly ClientKey[]): void {
  const names = new Set<string>()
  const secrets = new Set<string>()
  for (const { name, secret } of keys) {
    if (names.has(name)) throw new InputError(`Two client keys are named "${name}": give each client its own name.`)
    if (secrets.has(secret)) throw new InputError(`The client key "${name}" has the same secret as another key: give each client its own secret.`)
    names.add(name)
    secrets.add(secret)
  }
}

/**
 * Finds whose key an `Authorization: Bearer <key>` header holds. Every key is compared, each in
 * constant time over SHA-256 digests (equal lengths whatever was sent), so the time taken says
 * nothing about which key, or how much of one, matched.
 */
export function createKeyring(keys: readonly ClientKey[]): (authorization: string | undefined) => { name: string } | { problem: 'missing' | 'invalid' } {
  const digests = keys.map((key) => ({ name: key.name, digest: digest(key.secret) }))
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')
    if (!match) return { problem: 'missing' }
    const sent = digest(match[1]!)
    let found: string | undefined
    for (const key of digests) {
      if (timingSafeEqual(sent, key.digest) && found === undefined) found = key.name
    }
    return found === undefined ? { problem: 'invalid' } : { name: found }
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()
