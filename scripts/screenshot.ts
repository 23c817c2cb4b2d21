// Pictures of real comments for the README (docs/images/*.png): `npm run screenshots`.
//
// Each comment is the action's own output: the CLI (dist/cli/index.js) for plans, the bundled action
// (dist/index.js) against the loopback fake GitHub for the needs-info reply, with the fake model server
// and fake planner of test/support standing in for providers. The Markdown is rendered as GitHub
// renders a comment (micromark with GFM, raw HTML allowed, alerts drawn the way GitHub draws them),
// styled by the approximation of GitHub's comment styles below, and photographed by headless Chromium.
//
// Not part of `npm test` or CI (neither has Chromium). It needs the Debian package `chromium` (or
// CHROMIUM_PATH) and downloads nothing: every request the page makes is refused.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { compile, parse, postprocess, preprocess } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { chromium } from 'playwright-core'
import UPNG from 'upng-js'
import { EXAMPLE_REPO, labeledEvent } from '../test/support/events.ts'
import { FakeGitHub, fakeUser } from '../test/support/fake-github.ts'
import { FakeModelServer } from '../test/support/fake-models.ts'
import { FakePlanner } from '../test/support/fake-planner.ts'
import { runAction } from '../test/support/run-action.ts'

const ROOT = resolve(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist/cli/index.js')
const OUT = join(ROOT, 'docs/images')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
/** About the width of a comment in an issue's timeline on a laptop screen. */
const WIDTH = 780
const MODEL = 'qwen2.5-coder:14b'
/** The issue the model plans; bench/fixtures/llm-plan.json is its plan. */
const RATE_LIMIT_ISSUE = `# Rate-limit the public API

A handful of API keys send thousands of requests a minute to \`/v1/links\` and slow the redirect
service down for everyone. Limit requests per API key, answer \`429\` with \`Retry-After\` past the
limit, and roll it out without locking out the integrations that behave.
`
/** The example the README's before/after figures are about (added with the plan-rendering change). */
const SIX_STEP_PLAN = join(ROOT, 'test/fixtures/plans/rate-limiting.json')

interface Shot {
  /** File under docs/images/, or null for a comment that is only measured. */
  file: string | null
  what: string
  markdown: string
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run screenshots`, which builds first.')
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install the Debian package (apt-get install -y chromium) or set CHROMIUM_PATH.`)
  const shots: Shot[] = [
    { file: 'plan-outline.png', what: 'outline plan of examples/epic-checklist.md (no AI)', markdown: await cli(['--issue-file', 'examples/epic-checklist.md']) },
    { file: 'plan-llm.png', what: 'LLM plan (openai-compatible, bench/fixtures/llm-plan.json)', markdown: await llmPlan() },
    { file: 'needs-info.png', what: 'needs-info reply (the action, on the fake GitHub)', markdown: await needsInfoReply() },
  ]
  if (existsSync(SIX_STEP_PLAN)) shots.push({ file: null, what: '6-step example (test/fixtures/plans/rate-limiting.json)', markdown: await sixStepPlan() })

  mkdirSync(OUT, { recursive: true })
  const pictures = await photograph(shots.map((shot) => shot.markdown))
  console.log('| picture | what | comment height (px) | of which the body | size |\n| --- | --- | --- | --- | --- |')
  shots.forEach((shot, i) => {
    const { png, height, bodyHeight } = pictures[i]!
    if (shot.file) writeFileSync(join(OUT, shot.file), png)
    console.log(`| ${shot.file ? `docs/images/${shot.file}` : '(measured only)'} | ${shot.what} | ${height} | ${bodyHeight} | ${(png.length / 1024).toFixed(1)} KiB |`)
  })
}

// ---- the comments: the action's own output -----------------------------------------------------

/** What the CLI prints (the comment's Markdown); it fails the script when the CLI does. */
function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [CLI, '--repo', 'acme/snip', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done, fail) =>
    child.on('close', (code) => (code === 0 ? done(stdout) : fail(new Error(`issue-planner ${args.join(' ')} exited ${code}: ${stderr}`)))),
  )
}

function withIssueFile<T>(text: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'issue-planner-screenshot-'))
  const file = join(dir, 'issue.md')
  writeFileSync(file, text)
  return use(file).finally(() => rmSync(dir, { recursive: true, force: true }))
}

/** A model on a local OpenAI-compatible server (as Ollama would be) writes the plan of bench/fixtures/llm-plan.json. */
async function llmPlan(): Promise<string> {
  const models = await FakeModelServer.start({ keyless: true })
  try {
    models.script({ text: readFileSync(join(ROOT, 'bench/fixtures/llm-plan.json'), 'utf8') })
    return await withIssueFile(RATE_LIMIT_ISSUE, (file) => cli(['--issue-file', file, '--planner', 'openai-compatible', '--model', MODEL, '--planner-url', models.baseURL('openai-compatible')]))
  } finally {
    await models.close()
  }
}

/** The reply an outside reporter gets on a vague issue, as the action posts it with its defaults. */
async function needsInfoReply(): Promise<string> {
  const token = 'ghs_screenshotToken000000000000000001'
  const [github, models] = await Promise.all([FakeGitHub.start({ token, ...EXAMPLE_REPO }), FakeModelServer.start({ keyless: true })])
  try {
    const issue = github.addIssue({ title: 'Exports are really slow', body: 'Exporting takes forever and sometimes just fails. Please make it faster.', user: fakeUser('reporter') })
    const questions = [
      'Which export is slow: the CSV download on the analytics page, or the `/v1/exports` API?',
      'Roughly how many links and what date range does a slow export cover, and how long does it take?',
      'When it fails, what do you see: an error message, a timeout, or an empty file?',
    ]
    models.script({ text: JSON.stringify({ kind: 'questions', title: '', summary: '', questions, steps: [] }) })
    const run = await runAction({
      eventName: 'issues',
      payload: labeledEvent({ number: issue.number, title: issue.title, body: issue.body }),
      inputs: { planner: 'openai-compatible', model: MODEL, 'planner-url': models.baseURL('openai-compatible'), stream: 'false' },
      apiUrl: github.url,
      repository: `${EXAMPLE_REPO.owner}/${EXAMPLE_REPO.repo}`,
      token,
    })
    if (run.outputs.status !== 'needs-info') throw new Error(`expected a needs-info reply, got ${run.outputs.status}: ${run.stdout}`)
    return github.comments(issue.number)[0]!.body
  } finally {
    await Promise.all([github.close(), models.close()])
  }
}

/** The 6-step plan the README's rendering figures are about, through the task-planning planner (it replies with plans in that shape). */
async function sixStepPlan(): Promise<string> {
  const planner = await FakePlanner.start()
  try {
    planner.respond('/task-planning/plan', { json: JSON.parse(readFileSync(SIX_STEP_PLAN, 'utf8')) })
    return await withIssueFile(RATE_LIMIT_ISSUE, (file) => cli(['--issue-file', file, '--planner', 'task-planning', '--planner-url', planner.url, '--no-stream']))
  } finally {
    await planner.close()
  }
}

// ---- rendering, as GitHub renders a comment ----------------------------------------------------

type Event = ReturnType<typeof postprocess>[number]
type Token = Event[1]

const ALERT_TITLES: Record<string, string> = { NOTE: 'Note', TIP: 'Tip', IMPORTANT: 'Important', WARNING: 'Warning', CAUTION: 'Caution' }

/**
 * The comment's HTML as GitHub renders a comment: GFM with raw HTML (GitHub keeps `<details>`, `<sub>` …),
 * a newline inside a paragraph as a line break (in comments GitHub keeps the lines people typed), and
 * `> [!NOTE]` quotes drawn as alerts.
 */
export function commentHtml(markdown: string): string {
  const options = { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true }
  const events = postprocess(parse(options).document().write(preprocess()(markdown, undefined, true)))
  const withBreaks: Event[] = []
  let paragraphs = 0
  let codeSpans = 0
  for (const event of events) {
    const [kind, token, context] = event
    const step = kind === 'enter' ? 1 : -1
    if (token.type === 'paragraph') paragraphs += step
    if (token.type === 'codeText') codeSpans += step
    const previous = withBreaks.at(-1)?.[1].type
    if (kind === 'enter' && token.type === 'lineEnding' && paragraphs > 0 && codeSpans === 0 && previous !== 'hardBreakTrailing' && previous !== 'hardBreakEscape') {
      // What a trailing double space would have made: a zero-width hard break before the line ending.
      const hardBreak = { type: 'hardBreakTrailing', start: token.start, end: token.start } as Token
      withBreaks.push(['enter', hardBreak, context], ['exit', hardBreak, context])
    }
    withBreaks.push(event)
  }
  const html = compile(options)(withBreaks)
  return html.replace(/<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\](?:<br \/>)?\n?([\s\S]*?)<\/blockquote>/g, (_, kind: string, rest: string) => {
    const body = rest.startsWith('</p>') ? rest.slice(4) : `<p>${rest}`
    return `<div class="alert alert-${kind.toLowerCase()}"><p class="alert-title">${ALERT_TITLES[kind]}</p>${body}</div>`
  })
}

/** A close, simple approximation of how GitHub lays out a comment (not GitHub's stylesheet). */
const CSS = `
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; background: #fff; width: ${WIDTH + 32}px; }
.comment { width: ${WIDTH}px; border: 1px solid #d1d9e0; border-radius: 6px; background: #fff;
  font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", "Liberation Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; color: #1f2328; }
.header { display: flex; align-items: center; gap: 8px; padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
  border-radius: 6px 6px 0 0; color: #59636e; }
.avatar { width: 20px; height: 20px; border-radius: 50%; background: #2f81f7; }
.author { color: #1f2328; font-weight: 600; }
.bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 7px; font-size: 12px; font-weight: 500; line-height: 18px; }
.body { padding: 16px; word-wrap: break-word; }
.body > :first-child { margin-top: 0 !important; }
.body > :last-child { margin-bottom: 0 !important; }
h1, h2, h3, h4 { margin: 24px 0 16px; font-weight: 600; line-height: 1.25; }
h3 { font-size: 1.25em; }
p, ul, ol, blockquote, pre, table, details, .alert { margin: 0 0 16px; }
ul, ol { padding-left: 2em; }
li + li { margin-top: 0.25em; }
li > p { margin-top: 16px; }
li > ul, li > ol { margin: 0; }
li:has(> input[type=checkbox]), li:has(> p:first-child > input[type=checkbox]:first-child) { list-style: none; }
li > input[type=checkbox], li > p:first-child > input[type=checkbox]:first-child { margin: 0 0.2em 0.25em -1.4em; vertical-align: middle; }
a { color: #0969da; text-decoration: none; }
strong { font-weight: 600; }
code { font: 85% ui-monospace, "DejaVu Sans Mono", monospace; padding: 0.2em 0.4em; border-radius: 6px; background: #818b981f; }
pre { padding: 16px; border-radius: 6px; background: #f6f8fa; overflow: auto; line-height: 1.45; }
pre code { padding: 0; background: none; font-size: 85%; }
blockquote { padding: 0 1em; color: #59636e; border-left: 0.25em solid #d1d9e0; }
hr { height: 0.25em; margin: 24px 0; border: 0; background: #d1d9e0; }
summary { cursor: pointer; }
sub { font-size: 75%; line-height: 0; }
.alert { padding: 8px 16px; border-left: 0.25em solid; }
.alert > :last-child { margin-bottom: 0; }
.alert-title { display: flex; align-items: center; font-weight: 500; margin-bottom: 4px; }
.alert-title::before { content: ""; width: 14px; height: 14px; margin-right: 8px; border: 2px solid currentColor; border-radius: 50%; }
.alert-note { border-color: #0969da; } .alert-note .alert-title { color: #0969da; }
.alert-tip { border-color: #1a7f37; } .alert-tip .alert-title { color: #1a7f37; }
.alert-important { border-color: #8250df; } .alert-important .alert-title { color: #8250df; }
.alert-warning { border-color: #9a6700; } .alert-warning .alert-title { color: #9a6700; }
.alert-caution { border-color: #d1242f; } .alert-caution .alert-title { color: #d1242f; }
`

function page(markdown: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="comment"><div class="header"><span class="avatar"></span><span class="author">github-actions</span><span class="bot">bot</span><span>commented</span></div>
<div class="body">${commentHtml(markdown)}</div></div></body></html>`
}

/** Each picture, with the height of the whole comment and of its body (the comment without its header), in CSS pixels. */
interface Picture {
  png: Buffer
  height: number
  bodyHeight: number
}

/** Renders each comment in headless Chromium and returns it cropped to the comment, as an optimised PNG. */
async function photograph(comments: string[]): Promise<Picture[]> {
  const profile = mkdtempSync(join(tmpdir(), 'issue-planner-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: WIDTH + 32, height: 800 },
    deviceScaleFactor: 1,
  })
  try {
    // Nothing is fetched: the page is self-contained, and anything it asks for is refused.
    await browser.route('**/*', (route) => route.abort())
    const tab = await browser.newPage()
    const pictures: Picture[] = []
    for (const markdown of comments) {
      await tab.setContent(page(markdown), { waitUntil: 'load' })
      // Fonts are local, but laid out only once loaded.
      await tab.evaluate('document.fonts.ready.then(() => true)')
      const comment = tab.locator('.comment')
      const [box, body] = await Promise.all([comment.boundingBox(), tab.locator('.body').boundingBox()])
      if (!box || !body) throw new Error('the comment was not laid out')
      pictures.push({ png: optimise(await comment.screenshot({ type: 'png' })), height: Math.round(box.height), bodyHeight: Math.round(body.height) })
    }
    return pictures
  } finally {
    await browser.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

/** A 256-colour palette is plenty for text on white, and a fraction of the size. */
function optimise(png: Buffer): Buffer {
  const image = UPNG.decode(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer)
  const quantised = Buffer.from(UPNG.encode(UPNG.toRGBA8(image), image.width, image.height, 256))
  return quantised.length < png.length ? quantised : png
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
