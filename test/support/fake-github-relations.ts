// The rules GitHub applies when issues are linked to each other: sub-issues (a tree of at most
// 100 children per parent and 8 levels) and blocked-by dependencies. Both name issues by their
// `id`, never their number. GitHub documents the limits but not its error wording; the messages
// here are descriptive stand-ins, the statuses and the `field` are what clients can rely on.
import { timestamp } from './fake-github-model.ts'
import { ApiError, notFound, validationFailed, type IssueRecord, type RepoStore } from './fake-github-store.ts'

export const MAX_SUB_ISSUES = 100
export const MAX_SUB_ISSUE_LEVELS = 8

export function addSubIssue(store: RepoStore, parent: IssueRecord, subIssueId: number, replaceParent: boolean): void {
  const refuse = (message: string) => validationFailed({ resource: 'Issue', code: 'invalid', field: 'sub_issue_id', message })
  // An issue number passed where the id belongs almost never names an existing id, so it lands here.
  const child = store.findIssueById(subIssueId)
  if (!child) throw refuse(`No issue with id ${subIssueId} was found`)
  if (child.id === parent.id) throw refuse('An issue cannot be its own sub-issue')
  if (child.parentId === parent.id) throw refuse('Issue is already a sub-issue of this parent')
  if (child.parentId !== null && !replaceParent) throw refuse('Sub issue may only have one parent')
  // Closed sub-issues count against the limit too.
  if (parent.subIssueIds.length >= MAX_SUB_ISSUES) throw refuse(`Parent issue cannot have more than ${MAX_SUB_ISSUES} sub-issues`)
  const ancestors = ancestorsOf(store, parent)
  if (ancestors.some((ancestor) => ancestor.id === child.id)) throw refuse('An ancestor of the parent cannot become its sub-issue')
  if (ancestors.length + 1 + height(store, child) > MAX_SUB_ISSUE_LEVELS) {
    throw refuse(`Sub-issues cannot be nested more than ${MAX_SUB_ISSUE_LEVELS} levels deep`)
  }
  const previousParent = store.parentOf(child)
  if (previousParent) previousParent.subIssueIds = previousParent.subIssueIds.filter((id) => id !== child.id)
  parent.subIssueIds.push(child.id)
  child.parentId = parent.id
  parent.updated_at = child.updated_at = timestamp()
}

export function removeSubIssue(store: RepoStore, parent: IssueRecord, subIssueId: number): void {
  const child = store.findIssueById(subIssueId)
  if (!child || child.parentId !== parent.id) throw notFound()
  parent.subIssueIds = parent.subIssueIds.filter((id) => id !== child.id)
  child.parentId = null
  parent.updated_at = child.updated_at = timestamp()
}

/** Moves a sub-issue right after `after_id` or right before `before_id`, exactly one of which is given. */
export function reprioritizeSubIssue(parent: IssueRecord, subIssueId: number, position: { after_id?: number; before_id?: number }): void {
  const refuse = (message: string) => new ApiError(422, { message: 'Validation Failed', errors: [{ code: 'invalid', message }] })
  const notChild = (id: number) => refuse(`Issue with id ${id} is not a sub-issue of #${parent.number}`)
  if (!parent.subIssueIds.includes(subIssueId)) throw notChild(subIssueId)
  const anchorId = position.after_id ?? position.before_id
  if (anchorId === undefined || (position.after_id !== undefined && position.before_id !== undefined)) {
    throw refuse('Either after_id or before_id must be specified, but not both')
  }
  if (anchorId === subIssueId || !parent.subIssueIds.includes(anchorId)) throw notChild(anchorId)
  const rest = parent.subIssueIds.filter((id) => id !== subIssueId)
  const anchorIndex = rest.indexOf(anchorId)
  rest.splice(position.after_id !== undefined ? anchorIndex + 1 : anchorIndex, 0, subIssueId)
  parent.subIssueIds = rest
  parent.updated_at = timestamp()
}

function ancestorsOf(store: RepoStore, record: IssueRecord): IssueRecord[] {
  const chain: IssueRecord[] = []
  for (let parent = store.parentOf(record); parent; parent = store.parentOf(parent)) chain.push(parent)
  return chain
}

/** Levels in the hierarchy rooted at record, counting record itself. */
function height(store: RepoStore, record: IssueRecord): number {
  return 1 + Math.max(0, ...store.subIssuesOf(record).map((child) => height(store, child)))
}

/** Records that `record` is blocked by the issue whose id is `blockingId`. */
export function addBlockedBy(store: RepoStore, record: IssueRecord, blockingId: number): void {
  const refuse = (message: string) => validationFailed({ resource: 'IssueDependency', code: 'invalid', field: 'issue_id', message })
  const blocker = store.findIssueById(blockingId)
  if (!blocker) throw refuse(`No issue with id ${blockingId} was found`)
  if (blocker.id === record.id) throw refuse('An issue cannot block itself')
  if (record.blockedByIds.includes(blocker.id)) throw refuse('This dependency already exists')
  record.blockedByIds.push(blocker.id)
  record.updated_at = timestamp()
}

export function removeBlockedBy(record: IssueRecord, blockingId: number): void {
  if (!record.blockedByIds.includes(blockingId)) throw notFound()
  record.blockedByIds = record.blockedByIds.filter((id) => id !== blockingId)
  record.updated_at = timestamp()
}
