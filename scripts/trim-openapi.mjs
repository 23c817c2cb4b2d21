// Trims GitHub's OpenAPI description down to the operations the fake GitHub server
// (test/support/fake-github.ts) serves, and writes test/fixtures/github-openapi.json.
//
// The full description ships in @octokit/openapi (~385 MB unpacked), which is far too big
// to be a dependency, so the trimmed copy is committed instead. To regenerate it:
//
//   npm i --no-save @octokit/openapi@23.0.2
//   node scripts/trim-openapi.mjs
//   npm prune            # drops the package again; package.json never lists it
//
// What the trim does, in order:
//   1. keeps the operations in OPERATION_IDS (and nothing else from their path items),
//   2. keeps every #/components/... object those operations reach through $ref, transitively,
//   3. drops documentation-only payload (request/response `examples`, x-github-breaking-changes)
//      so the fixture stays small and reviewable,
//   4. patches the two nullable idioms that ajv (used by openapi-backend) reads differently
//      from GitHub, see patchNullable() below.
import { log } from 'node:console'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Everything the action calls, plus the whole blocked-by family (remove, and the reverse
// "blocking" list) so the fake can model dependencies completely.
const OPERATION_IDS = [
  'repos/get',
  'issues/get',
  'issues/update',
  'issues/create',
  'issues/list-comments',
  'issues/create-comment',
  'issues/update-comment',
  'issues/get-comment',
  'issues/delete-comment',
  'issues/list-labels-on-issue',
  'issues/add-labels',
  'issues/remove-label',
  'issues/get-label',
  'issues/create-label',
  'issues/list-sub-issues',
  'issues/add-sub-issue',
  'issues/remove-sub-issue',
  'issues/reprioritize-sub-issue',
  'issues/get-parent',
  'issues/list-dependencies-blocked-by',
  'issues/add-blocked-by-dependency',
  'issues/remove-dependency-blocked-by',
  'issues/list-dependencies-blocking',
  'reactions/create-for-issue-comment',
  'reactions/create-for-issue',
  'repos/get-collaborator-permission-level',
  'repos/get-readme',
  'repos/list-languages',
  'git/get-tree',
  'repos/get-content',
]

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
// Keys that only document: openapi-backend never reads them, and `examples` alone is most of the size.
const DROPPED_KEYS = new Set(['examples', 'x-github-breaking-changes'])

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(join(root, 'package.json'))
const sourcePath = require.resolve('@octokit/openapi/generated/api.github.com.json')
const outputPath = join(root, 'test/fixtures/github-openapi.json')
const full = JSON.parse(readFileSync(sourcePath, 'utf8'))

// 3. Every object is copied through strip(), which leaves the documentation-only keys behind.
function strip(value) {
  if (Array.isArray(value)) return value.map(strip)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => !DROPPED_KEYS.has(key)).map(([key, v]) => [key, strip(v)]))
}

// 1. Operations.
const paths = {}
const found = new Set()
for (const [path, item] of Object.entries(full.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (!HTTP_METHODS.has(method) || !OPERATION_IDS.includes(operation.operationId)) continue
    paths[path] ??= item.parameters ? { parameters: strip(item.parameters) } : {}
    paths[path][method] = strip(operation)
    found.add(operation.operationId)
  }
}
const missing = OPERATION_IDS.filter((id) => !found.has(id))
if (missing.length) throw new Error(`operations not in the source description: ${missing.join(', ')}`)

// 2. Components reachable through $ref, walked until no new reference turns up.
const components = {}
function resolvePointer(ref) {
  if (!ref.startsWith('#/components/')) throw new Error(`unexpected $ref ${ref}`)
  const [kind, name] = ref.slice('#/components/'.length).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const target = full.components[kind]?.[name]
  if (target === undefined) throw new Error(`dangling $ref ${ref}`)
  return { kind, name, target }
}
function collectRefs(value) {
  if (Array.isArray(value)) return value.forEach(collectRefs)
  if (value === null || typeof value !== 'object') return
  for (const [key, v] of Object.entries(value)) {
    if (key === '$ref' && typeof v === 'string') {
      const { kind, name, target } = resolvePointer(v)
      components[kind] ??= {}
      if (components[kind][name] !== undefined) continue
      components[kind][name] = strip(target)
      collectRefs(components[kind][name])
    } else {
      collectRefs(v)
    }
  }
}
collectRefs(paths)

// 4. Nullable patches. GitHub's description is OpenAPI 3.0, where `nullable: true` means "null is
// allowed too", and GitHub does send and accept null at these places (`state_reason: null` on every
// open issue, `milestone: null` to clear a milestone). ajv reads two of its idioms differently:
//   a) `nullable: true` beside `oneOf`/`anyOf` without a `type`: ajv refuses to compile the schema
//      ('"nullable" cannot be used without "type"'). Dropping `nullable` (the strict OpenAPI 3.0.3
//      reading) would make null invalid where GitHub takes it, so the flag moves onto the first
//      alternative, which has a type: null then matches exactly that alternative (`oneOf` still holds)
//      and every non-null value is judged as before.
//   b) `nullable: true` with an `enum` lacking null: ajv applies the enum to null too and rejects it,
//      so null joins the enum, which is how OpenAPI's clarification of `nullable` says to write it.
const patched = []
function patchNullable(value, where) {
  if (Array.isArray(value)) return value.forEach((v, i) => patchNullable(v, `${where}/${i}`))
  if (value === null || typeof value !== 'object') return
  if (value.nullable === true && !('type' in value)) {
    const alternatives = value.oneOf ?? value.anyOf
    const first = alternatives?.[0]
    if (!first || !('type' in first)) throw new Error(`cannot patch typeless nullable at ${where}`)
    first.nullable = true
    delete value.nullable
    patched.push(`${where}: nullable moved into first ${value.oneOf ? 'oneOf' : 'anyOf'} alternative`)
  }
  if (value.nullable === true && Array.isArray(value.enum) && !value.enum.includes(null)) {
    value.enum.push(null)
    patched.push(`${where}: null added to enum`)
  }
  for (const [key, v] of Object.entries(value)) patchNullable(v, `${where}/${key}`)
}
patchNullable(paths, '#/paths')
patchNullable(components, '#/components')

const trimmed = {
  openapi: full.openapi,
  info: {
    ...full.info,
    description: `${full.info.description} Trimmed by scripts/trim-openapi.mjs from @octokit/openapi; do not edit by hand.`,
  },
  servers: full.servers,
  externalDocs: full.externalDocs,
  paths,
  components,
}
writeFileSync(outputPath, `${JSON.stringify(trimmed, null, 1)}\n`)

const counts = Object.entries(components).map(([kind, items]) => `${Object.keys(items).length} ${kind}`).join(', ')
log(`wrote ${outputPath}: ${found.size} operations; ${counts}`)
for (const line of patched) log(`patched ${line}`)
