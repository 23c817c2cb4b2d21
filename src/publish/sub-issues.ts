import type { GitHub } from '../github/client.js'
import { httpDetail, statusOf } from '../github/errors.js'
import { isStatus } from '../github/read.js'
import type { Plan, PlanStep } from '../plan.js'
import { resolveDependencies } from '../plan-graph.js'
import { checkedItems } from './checks.js'
import { type IssueRef, isTrustedAuthor } from './comment.js'
import { type ChildMarker, childKey, childTitle, parseChildMarker, renderChildBody } from './sub-issue-body.js'

export { childNumbersIn, parseChildMarker, renderChildBody } from './sub-issue-body.js'

/**
 * `output: sub-issues`: every plan step becomes an issue linked under the planned issue with GitHub's
 * sub-issues API, in plan order, with the steps' dependencies recorded as issue dependencies.
 * Re-planning updates the same children (found by the marker in their bodies), never duplicates or
 * deletes them, and writes nothing when nothing changed.
 */
export interface SubIssueOptions {
  /** Labels for every child (input `sub-issue-labels`); never chosen by the planner. */
  labels: string[]
  dryRun: boolean
  log: (message: string) => void
  /** Issue numbers the previous plan comment listed as children (`- [ ] #123` items): found even when sub-issues are unavailable or a link failed. */
  previousChildNumbers: number[]
}

/**
 * What happened to a child. `updated`: its title or body was rewritten, or it was linked now.
 * `done`: closed, so left alone. `kept`: left as it is (a removed step's child someone has worked
 * on, or any child once an earlier request failed). `would-*`: what a dry run would do.
 */
export type ChildAction =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'closed-not-planned'
  | 'kept'
  | 'done'
  | 'not-created'
  | 'would-create'
  | 'would-update'
  | 'would-close'

export interface ChildReport {
  /** 1-based position in the plan; undefined for children of steps no longer in the plan. */
  step?: number
  /** The step's name, or the issue's title for a removed step's child. Untrusted: sanitise before rendering. */
  name: string
  number?: number
  action: ChildAction
  state?: 'open' | 'closed'
  error?: string
}

export interface SubIssuesResult {
  /** Plan order first, then children of removed steps. */
  children: ChildReport[]
  /** False when the sub-issues API answered 404 (older GitHub Enterprise Server): children exist but are not linked. */
  linked: boolean
  /** `recorded`: as GitHub issue dependencies; `unavailable`: that API answered 404, so as lines in the bodies; `none`: no step depends on another's child. */
  dependencies: 'recorded' | 'unavailable' | 'none'
  warnings: string[]
  /** Set when creation stopped midway: what failed and what to fix; the run must fail. */
  error?: string
}

export interface ParentIssue {
  number: number
  title: string
  html_url: string
}

/** GitHub's limit on sub-issues per parent; closed ones and ones we did not create count too. */
const MAX_SUB_ISSUES = 100
const PER_PAGE = 100
/** People whose issue carrying our marker we may update or close (as for the plan comment). */
const RERUN = 'Re-run to create the rest; existing children are reused.'
const NOTHING_CREATED = 'Nothing was created, so a re-run cannot duplicate anything.'

export async function publishSubIssues(
  octokit: GitHub,
  ref: IssueRef,
  parent: ParentIssue,
  plan: Plan,
  options: SubIssueOptions,
): Promise<SubIssuesResult> {
  return new SubIssuePublisher(octokit, ref, parent, plan, options).run()
}

/** The fields of GitHub's issue representation this module reads, whichever endpoint served it. */
interface IssueJson {
  id: number | bigint
  number: number
  title: string
  body?: string | null
  state: string
  comments: number
  assignees?: unknown[] | null
  user: { type?: string } | null
  author_association?: string
  repository_url: string
  pull_request?: unknown
  parent_issue_url?: string | null
  issue_dependencies_summary?: { total_blocked_by: number }
}

/** An issue as this module sees it. */
interface Child {
  id: number
  number: number
  title: string
  /** Line endings as we write them, so an edit in the browser does not count as a change. */
  body: string
  open: boolean
  /** Someone has worked on it: comments, assignees or ticked boxes. */
  touched: boolean
  /** Set when the issue is a sub-issue of some parent. */
  parentUrl: string | null
  /** Blocked-by dependencies GitHub counts; undefined where GitHub has no dependencies API (or did not say). */
  blockedByTotal: number | undefined
}

interface Found {
  child: Child
  marker: ChildMarker
  /** Listed as a sub-issue of the parent. */
  linked: boolean
}

/** A request GitHub refused: `message` says what failed and what to fix, `detail` is the HTTP answer. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly detail: string,
  ) {
    super(message)
  }
}

class SubIssuePublisher {
  private readonly owner: string
  private readonly repo: string
  private readonly keys: string[]
  /** The steps each step comes after (1-based), resolved as the plan comment shows them. */
  private readonly after: number[][]
  private readonly warnings: string[] = []
  /** The child of each plan step (by index) once it is known or created. */
  private readonly childOf: (Child | undefined)[] = []
  /** Sub-issue ids of the parent in GitHub's order, as this run leaves it (links are appended). */
  private order: number[] = []
  private existingSubIssues = 0
  /** Sub-issues the parent has, counting the links this run made (or, in a dry run, would make). */
  private subIssueCount = 0
  private subIssuesAvailable = true
  /** `hinted`: an issue carried a dependencies summary, which suggests the API but does not prove it. */
  private dependencySupport: 'unknown' | 'hinted' | 'available' | 'unavailable' = 'unknown'
  private dependenciesWanted = false
  /** Steps left without a child because the parent has no room for more sub-issues. */
  private readonly roomless: number[] = []
  /** Set by the first refused request: nothing more is written, a re-run finishes the job. */
  private failure: string | undefined

  constructor(
    private readonly octokit: GitHub,
    ref: IssueRef,
    private readonly parent: ParentIssue,
    private readonly plan: Plan,
    private readonly options: SubIssueOptions,
  ) {
    this.owner = ref.owner
    this.repo = ref.repo
    this.keys = plan.steps.map((step, i) => childKey(step.name, i + 1))
    this.after = resolveDependencies(plan.steps).after
  }

  async run(): Promise<SubIssuesResult> {
    let found: Found[]
    try {
      found = await this.discover()
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      // Without knowing the existing children, creating any could duplicate them.
      this.failure = error.message
      return this.result(this.plan.steps.map((step, i) => ({ step: i + 1, name: step.name, action: 'not-created', error: 'not created: the existing children could not be read' })))
    }
    const { byStep, leftovers } = matchSteps(this.keys, found)
    const children: ChildReport[] = []
    for (const [index, step] of this.plan.steps.entries()) children.push(await this.publishStep(step, index, byStep[index]))
    for (const leftover of leftovers) children.push(await this.retire(leftover))
    if (!this.failure && !this.options.dryRun && this.subIssuesAvailable) await this.restorePlanOrder()
    return this.result(children)
  }

  private result(children: ChildReport[]): SubIssuesResult {
    const errors = [this.failure, this.roomError()].filter((e): e is string => e !== undefined)
    return {
      children,
      linked: this.subIssuesAvailable,
      dependencies: this.dependencySupport === 'unavailable' ? 'unavailable' : this.dependenciesWanted ? 'recorded' : 'none',
      warnings: this.warnings,
      ...(errors.length > 0 ? { error: errors.join(' ') } : {}),
    }
  }

  // ---- discovery ------------------------------------------------------------------------------

  /** Our children: the parent's sub-issues and the issues the previous plan comment listed, carrying a marker naming the parent. */
  private async discover(): Promise<Found[]> {
    const listed = await this.listSubIssues()
    this.order = listed.map((issue) => Number(issue.id))
    this.existingSubIssues = this.subIssueCount = listed.length
    const seen = new Set([this.parent.number, ...listed.map((issue) => issue.number)])
    const unlisted: IssueJson[] = []
    for (const number of this.options.previousChildNumbers) {
      if (seen.has(number)) continue
      seen.add(number)
      const issue = await this.getIssue(number)
      if (issue) unlisted.push(issue)
    }
    return [...listed.map((issue) => ({ issue, linked: true })), ...unlisted.map((issue) => ({ issue, linked: false }))].flatMap(({ issue, linked }) => {
      const marker = this.ourMarker(issue)
      return marker ? [{ child: toChild(issue), marker, linked }] : []
    })
  }

  private async listSubIssues(): Promise<IssueJson[]> {
    try {
      return await this.octokit.paginate(this.octokit.rest.issues.listSubIssues, { ...this.repoRef, issue_number: this.parent.number, per_page: PER_PAGE })
    } catch (error) {
      if (!isStatus(error, 404)) throw refusal(`list the sub-issues of #${this.parent.number}`, error, { tail: NOTHING_CREATED })
      this.subIssuesAvailable = false
      this.warnings.push(
        `Sub-issues are not available on this GitHub (the sub-issues API answered 404, as on older GitHub Enterprise Server), so the steps' issues are not linked to #${this.parent.number}: the plan comment lists them as a plain checklist instead.`,
      )
      return []
    }
  }

  /** An issue the previous plan comment listed; null when it is gone (deleted or transferred). */
  private async getIssue(number: number): Promise<IssueJson | null> {
    try {
      return (await this.octokit.rest.issues.get({ ...this.repoRef, issue_number: number })).data
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 410)) return null
      throw refusal(`read #${number}, listed in the previous plan`, error, { tail: NOTHING_CREATED })
    }
  }

  /** The marker of an issue that is one of our children: in this repository, by someone trusted, naming this parent. */
  private ourMarker(issue: IssueJson): ChildMarker | null {
    const sameRepository = issue.repository_url.toLowerCase().endsWith(`/repos/${this.owner}/${this.repo}`.toLowerCase())
    const trusted = isTrustedAuthor(issue)
    if (!sameRepository || !trusted || issue.pull_request) return null
    const marker = parseChildMarker(issue.body)
    return marker?.parent === this.parent.number ? marker : null
  }

  // ---- one step -------------------------------------------------------------------------------

  private async publishStep(step: PlanStep, index: number, found: Found | undefined): Promise<ChildReport> {
    const report: ChildReport = { step: index + 1, name: step.name, action: 'not-created' }
    if (found) {
      this.childOf[index] = found.child
      report.number = found.child.number
      report.state = stateOf(found.child)
      report.action = 'kept'
    }
    if (this.failure) return { ...report, error: `${found ? 'not updated' : 'not created'}: an earlier request failed` }
    try {
      if (found) await this.syncChild(step, index, found, report)
      else await this.createChild(step, index, report)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      this.failure = error.message
      report.error = error.detail
    }
    return report
  }

  private async createChild(step: PlanStep, index: number, report: ChildReport): Promise<void> {
    if (this.subIssuesAvailable && this.roomLeft() <= 0) {
      this.roomless.push(index + 1)
      report.error = `not created: #${this.parent.number} has no room for more sub-issues (GitHub allows ${MAX_SUB_ISSUES})`
      return
    }
    const blockers = this.blockersOf(index)
    const missing = await this.missingBlockers(null, blockers)
    const title = childTitle(step.name, index + 1)
    if (this.options.dryRun) {
      if (this.subIssuesAvailable) this.subIssueCount++
      report.action = 'would-create'
      return
    }
    const labels = this.options.labels.length > 0 ? { labels: this.options.labels } : {}
    const body = this.renderBody(step, index, blockers, null)
    const { data } = await this.write(`create the issue for step ${index + 1}`, 'check the `sub-issue-labels` input', () =>
      this.octokit.rest.issues.create({ ...this.repoRef, title, body, ...labels }),
    )
    const child = toChild(data)
    this.noteDependencySupport(child)
    this.childOf[index] = child
    report.number = child.number
    report.state = 'open'
    report.action = 'created'
    this.options.log(`Created #${child.number} for step ${index + 1}: ${title}`)
    if (this.subIssuesAvailable) await this.link(child, index)
    if (!(await this.recordBlockers(child, missing))) await this.addBlockedByLines(step, index, child)
  }

  /** An existing child: rewritten only if its text changed (closed ones are left alone), linked if it is not. */
  private async syncChild(step: PlanStep, index: number, found: Found, report: ChildReport): Promise<void> {
    const { child } = found
    report.action = child.open ? 'unchanged' : 'done'
    if (child.open) {
      const blockers = this.blockersOf(index)
      const missing = await this.missingBlockers(child, blockers)
      const title = childTitle(step.name, index + 1)
      const body = this.renderBody(step, index, blockers, child.body)
      if (title !== child.title || body !== child.body) {
        report.action = this.options.dryRun ? 'would-update' : 'updated'
        if (!this.options.dryRun) {
          await this.write(`update #${child.number} (step ${index + 1})`, 'check the step\'s text', () =>
            this.octokit.rest.issues.update({ ...this.repoRef, issue_number: child.number, title, body }),
          )
          this.options.log(`Updated #${child.number} for step ${index + 1}: ${title}`)
        }
      }
      if (!this.options.dryRun && !(await this.recordBlockers(child, missing))) {
        if (await this.addBlockedByLines(step, index, { ...child, body })) report.action = 'updated'
      }
    }
    if (!found.linked && this.subIssuesAvailable) await this.linkExisting(child, index, report)
  }

  /** A child found through the previous plan comment but not linked (its link failed last time). */
  private async linkExisting(child: Child, index: number, report: ChildReport): Promise<void> {
    if (child.parentUrl) {
      this.warnings.push(`#${child.number} (step ${index + 1}) is a sub-issue of another issue, so it was left there rather than linked to #${this.parent.number}.`)
      return
    }
    if (this.roomLeft() <= 0) {
      this.roomless.push(index + 1)
      report.error = `not linked: #${this.parent.number} has no room for more sub-issues (GitHub allows ${MAX_SUB_ISSUES})`
      return
    }
    if (this.options.dryRun) this.subIssueCount++
    else await this.link(child, index)
    if (report.action === 'unchanged') report.action = this.options.dryRun ? 'would-update' : 'updated'
  }

  private async link(child: Child, index: number): Promise<void> {
    try {
      await this.octokit.rest.issues.addSubIssue({ ...this.repoRef, issue_number: this.parent.number, sub_issue_id: child.id })
    } catch (error) {
      if (!isStatus(error, 404)) {
        const hint = `check that #${child.number} has no other parent and #${this.parent.number} fewer than ${MAX_SUB_ISSUES} sub-issues`
        throw refusal(`link #${child.number} (step ${index + 1}) as a sub-issue of #${this.parent.number}`, error, { invalid: hint })
      }
      this.subIssuesAvailable = false
      this.warnings.push(`GitHub answered 404 when linking #${child.number} as a sub-issue of #${this.parent.number}, so sub-issues are treated as unavailable: the plan comment lists the children as a plain checklist.`)
      return
    }
    this.order.push(child.id)
    this.subIssueCount++
  }

  private renderBody(step: PlanStep, index: number, blockers: Child[], previousBody: string | null): string {
    const blockedBy = this.dependencySupport === 'unavailable' ? blockers.map((b) => b.number) : []
    return renderChildBody({ parent: this.parent.number, step, position: index + 1, total: this.plan.steps.length, blockedBy, previousBody })
  }

  // ---- dependencies ---------------------------------------------------------------------------

  /**
   * Children of the earlier steps this step comes after, in plan order. A later step has no child
   * yet when this one is written; the plan comment's graph shows that link, and its note says so.
   */
  private blockersOf(index: number): Child[] {
    return (this.after[index] ?? []).filter((n) => n <= index).flatMap((n) => this.childOf[n - 1] ?? [])
  }

  /**
   * The blockers not yet recorded on `child` (null: about to be created, so none are). Learns on the
   * way whether GitHub has the dependencies API, which decides how the body shows them.
   */
  private async missingBlockers(child: Child | null, blockers: Child[]): Promise<Child[]> {
    if (blockers.length === 0) return []
    this.dependenciesWanted = true
    if (child) this.noteDependencySupport(child)
    if (child === null) {
      // A hint will do: should recording them answer 404, the new child's body gets the lines then.
      if (this.dependencySupport === 'unknown') await this.probeDependencies()
      return this.dependencySupport === 'unavailable' ? [] : blockers
    }
    if (child.blockedByTotal === 0) {
      // An existing child's body says "Blocked by" or not, so only a definite answer may change it.
      if (this.dependencySupport === 'unknown' || this.dependencySupport === 'hinted') await this.probeDependencies()
      return this.dependencySupport === 'available' ? blockers : []
    }
    if (this.dependencySupport === 'unavailable') return []
    const present = await this.blockedByIds(child.number)
    return present ? blockers.filter((blocker) => !present.has(blocker.id)) : []
  }

  /**
   * An issue representation with a dependencies summary suggests that GitHub has the API, which
   * saves a read. Only suggests: a server may report the summary while the routes answer 404.
   */
  private noteDependencySupport(child: Child): void {
    if (this.dependencySupport === 'unknown' && child.blockedByTotal !== undefined) this.dependencySupport = 'hinted'
  }

  /** One read, needed only when no issue seen so far told whether GitHub has the dependencies API. */
  private async probeDependencies(): Promise<void> {
    await this.blockedByIds(this.parent.number)
  }

  /** Ids of the issues blocking issue `number`, or null when GitHub has no dependencies API. */
  private async blockedByIds(number: number): Promise<Set<number> | null> {
    try {
      const request = { ...this.repoRef, issue_number: number, per_page: PER_PAGE }
      const blocking = await this.octokit.paginate(this.octokit.rest.issues.listDependenciesBlockedBy, request)
      this.dependencySupport = 'available'
      return new Set(blocking.map((b) => Number(b.id)))
    } catch (error) {
      if (!isStatus(error, 404)) throw refusal(`list the issues blocking #${number}`, error)
      this.dependencySupport = 'unavailable'
      this.warnings.push('Issue dependencies are not available on this GitHub (the dependencies API answered 404), so each child says which issues block it in "Blocked by #n" lines instead.')
      return null
    }
  }

  /**
   * Records the blockers on `child`. False when GitHub turned out to have no dependencies API, so
   * the child's body has to carry them instead; from then on the API is not called again.
   */
  private async recordBlockers(child: Child, blockers: Child[]): Promise<boolean> {
    for (const blocker of blockers) {
      try {
        await this.octokit.rest.issues.addBlockedByDependency({ ...this.repoRef, issue_number: child.number, issue_id: blocker.id })
        this.dependencySupport = 'available'
      } catch (error) {
        if (isStatus(error, 404) && (await this.dependenciesApiMissing())) return false
        const bothExist = `check that #${child.number} and #${blocker.number} still exist`
        throw refusal(`record that #${child.number} is blocked by #${blocker.number}`, error, { invalid: bothExist, notFound: `${bothExist} and that the workflow grants \`permissions: issues: write\`` })
      }
    }
    return true
  }

  /**
   * Whether a 404 from a dependencies route means that GitHub has no dependencies API (older GitHub
   * Enterprise Server), rather than that one of the two issues is gone (deleted or transferred
   * meanwhile) or hidden from the token. GitHub words both 404s alike, so the parent's blockers are
   * listed: the parent is being planned, so it exists and is readable, and that list answers 404
   * only where the API itself is missing. A missing issue must fail the run, not be papered over.
   */
  private async dependenciesApiMissing(): Promise<boolean> {
    return (await this.blockedByIds(this.parent.number)) === null
  }

  /** The child was written before GitHub turned out to have no dependencies API: its body gets the "Blocked by #n" lines. True if it was edited. */
  private async addBlockedByLines(step: PlanStep, index: number, child: Child): Promise<boolean> {
    const body = this.renderBody(step, index, this.blockersOf(index), child.body)
    if (body === child.body) return false
    await this.write(`update #${child.number} (step ${index + 1})`, "check the step's text", () =>
      this.octokit.rest.issues.update({ ...this.repoRef, issue_number: child.number, body }),
    )
    return true
  }

  // ---- children of removed steps --------------------------------------------------------------

  /** A child whose step left the plan: closed as not planned only when nobody has worked on it. */
  private async retire({ child }: Found): Promise<ChildReport> {
    const report: ChildReport = { name: child.title, number: child.number, action: 'kept', state: stateOf(child) }
    if (this.failure || !child.open || child.touched) return report
    if (this.options.dryRun) return { ...report, action: 'would-close' }
    try {
      await this.write(`close #${child.number}, whose step left the plan`, 'check the issue', () =>
        this.octokit.rest.issues.update({ ...this.repoRef, issue_number: child.number, state: 'closed', state_reason: 'not_planned' }),
      )
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      this.failure = error.message
      return { ...report, error: error.detail }
    }
    this.options.log(`Closed #${child.number} as not planned: its step is no longer in the plan.`)
    return { ...report, action: 'closed-not-planned', state: 'closed' }
  }

  // ---- order and room -------------------------------------------------------------------------

  /** Moves the fewest children needed to list the plan's children in plan order (others stay put). */
  private async restorePlanOrder(): Promise<void> {
    const linked = new Set(this.order)
    const wanted = this.childOf.flatMap((child) => (child && linked.has(child.id) ? [child.id] : []))
    for (const move of reorderMoves(wanted, this.order)) {
      try {
        await this.octokit.rest.issues.reprioritizeSubIssue({ ...this.repoRef, issue_number: this.parent.number, ...move })
      } catch (error) {
        // The order is cosmetic: say so, but do not fail a run whose children are all in place.
        this.warnings.push(`The sub-issues of #${this.parent.number} could not be put in plan order: ${httpDetail(error)}.`)
        return
      }
    }
  }

  private roomLeft(): number {
    return MAX_SUB_ISSUES - this.subIssueCount
  }

  private roomError(): string | undefined {
    if (this.roomless.length === 0) return undefined
    const steps = this.roomless.length === 1 ? `step ${this.roomless[0]} was` : `steps ${this.roomless.join(', ')} were`
    return `GitHub allows ${MAX_SUB_ISSUES} sub-issues per issue and #${this.parent.number} had ${this.existingSubIssues}, so ${steps} left without a child issue. Remove sub-issues #${this.parent.number} no longer needs (or lower \`max-steps\`) and re-run.`
  }

  // ---- requests -------------------------------------------------------------------------------

  private get repoRef(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo }
  }

  /** A write; a refusal becomes a Refusal that stops all further writes. */
  private async write<T>(action: string, invalidHint: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw refusal(action, error, { invalid: invalidHint })
    }
  }
}

// ---- pure helpers ---------------------------------------------------------------------------------

function toChild(issue: IssueJson): Child {
  const body = (issue.body ?? '').replace(/\r\n?/g, '\n')
  return {
    id: Number(issue.id),
    number: issue.number,
    title: issue.title,
    body,
    open: issue.state === 'open',
    touched: issue.comments > 0 || (issue.assignees?.length ?? 0) > 0 || checkedItems(body).length > 0,
    parentUrl: issue.parent_issue_url ?? null,
    blockedByTotal: issue.issue_dependencies_summary?.total_blocked_by,
  }
}

function stateOf(child: Child): 'open' | 'closed' {
  return child.open ? 'open' : 'closed'
}

/**
 * Pairs steps with existing children by marker key. Two steps with the same name take children in
 * marker order; children left over (their step left the plan, or duplicates) are returned apart.
 */
function matchSteps(keys: string[], found: Found[]): { byStep: (Found | undefined)[]; leftovers: Found[] } {
  const pool = new Map<string, Found[]>()
  const sorted = [...found].sort((a, b) => a.marker.step - b.marker.step || a.child.number - b.child.number)
  for (const candidate of sorted) pool.set(candidate.marker.key, [...(pool.get(candidate.marker.key) ?? []), candidate])
  const byStep = keys.map((key) => pool.get(key)?.shift())
  const leftovers = [...pool.values()].flat().sort((a, b) => a.child.number - b.child.number)
  return { byStep, leftovers }
}

type Move = { sub_issue_id: number; after_id: number } | { sub_issue_id: number; before_id: number }

/**
 * Reprioritisations that list `wanted` in its order, given the parent's current `order` (which holds
 * them and possibly others). The longest run already in order stays; each other child moves once,
 * right after its predecessor in the plan (the first before the first that stays): the fewest moves.
 */
function reorderMoves(wanted: number[], order: number[]): Move[] {
  const rank = new Map(wanted.map((id, i) => [id, i]))
  const kept = longestIncreasing(order.flatMap((id) => rank.get(id) ?? []))
  const firstKept = wanted.find((_, i) => kept.has(i))
  return wanted.flatMap((id, i): Move[] => {
    if (kept.has(i)) return []
    return [i > 0 ? { sub_issue_id: id, after_id: wanted[i - 1]! } : { sub_issue_id: id, before_id: firstKept! }]
  })
}

/** The values of a longest strictly increasing subsequence of `values`. */
function longestIncreasing(values: number[]): Set<number> {
  const length = values.map(() => 1)
  const previous = values.map(() => -1)
  let best = -1
  values.forEach((value, i) => {
    for (let j = 0; j < i; j++) {
      if (values[j]! < value && length[j]! + 1 > length[i]!) {
        length[i] = length[j]! + 1
        previous[i] = j
      }
    }
    if (best === -1 || length[i]! > length[best]!) best = i
  })
  const kept = new Set<number>()
  for (let i = best; i !== -1; i = previous[i]!) kept.add(values[i]!)
  return kept
}

/**
 * A refused request as a sentence that names what failed and what to fix. `invalid` is the fix for a
 * 422 (what GitHub found invalid depends on the request); `tail` says what a re-run will do.
 */
function refusal(action: string, error: unknown, { invalid = 'check the request', notFound = NEEDS_WRITE, tail = RERUN } = {}): Refusal {
  const detail = httpDetail(error)
  const status = statusOf(error)
  const verb = status === undefined ? 'Could not' : 'GitHub refused to'
  return new Refusal(`${verb} ${action} (${detail}): ${remedy(status, detail, { invalid, notFound })}. ${tail}`, detail)
}

const NEEDS_WRITE = 'the workflow needs `permissions: issues: write`'

/** What to do about a refusal; the fixes for a 422 and a 404 depend on the request. */
function remedy(status: number | undefined, detail: string, hints: { invalid: string; notFound: string }): string {
  if (status === 429 || /rate limit/i.test(detail)) return "GitHub's rate limit is exhausted: wait for it to reset"
  if (status === 401) return 'the token was rejected: check the `github-token` input'
  if (status === 403) return NEEDS_WRITE
  if (status === 404) return hints.notFound
  if (status === 410) return 'issues are disabled in this repository: enable them in its settings'
  if (status === 422) return hints.invalid
  if (status !== undefined && status >= 500) return 'GitHub had a server error: try again later'
  return 'check the connection to GitHub'
}
