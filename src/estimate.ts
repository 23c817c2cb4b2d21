/**
 * Step estimates as planners and issue authors write them ("2h", "1.5d", "~2 days", "3 Std.",
 * "30 min", "1w", "2-3 days", "1h 30m"), read as working hours so a plan's total can be summed.
 * A working day is 8 hours, a week 5 days, a month 4 weeks.
 */
export const HOURS_PER_DAY = 8
export const HOURS_PER_WEEK = 5 * HOURS_PER_DAY
const HOURS_PER_MONTH = 4 * HOURS_PER_WEEK

/** Unit words, longest first within each unit so "hours" is not read as "h" + "ours". */
const UNITS: [hours: number, words: string[]][] = [
  [HOURS_PER_MONTH, ['months', 'month', 'monate', 'monaten', 'monat', 'mois', 'meses', 'mes', 'mo', 'か月', 'ヶ月', 'ヵ月', '个月']],
  [HOURS_PER_WEEK, ['weeks', 'week', 'wks', 'wk', 'wochen', 'woche', 'semaines', 'semaine', 'semanas', 'semana', 'w', '週間', '周']],
  [HOURS_PER_DAY, ['person-days', 'person days', 'man-days', 'days', 'day', 'tagen', 'tage', 'tag', 'jours', 'jour', 'días', 'dias', 'día', 'dia', 'd', '日', '天']],
  [1, ['hours', 'hour', 'hrs', 'hr', 'stunden', 'stunde', 'std', 'heures', 'heure', 'horas', 'hora', 'h', '時間', '小时']],
  [1 / 60, ['minutes', 'minute', 'minuten', 'mins', 'min', 'm', '分']],
]
const UNIT_HOURS = new Map(UNITS.flatMap(([hours, words]) => words.map((w) => [w, hours] as const)))
const UNIT_PATTERN = [...UNIT_HOURS.keys()].sort((a, b) => b.length - a.length).map((w) => w.replace(/[-\s]/g, '[-\\s]')).join('|')
const NUMBER = String.raw`\d+(?:\.\d+)?`
/** A number or a range ("2-3", "2 to 3"), then a unit that is not the start of a longer word. */
const AMOUNT = new RegExp(String.raw`(${NUMBER})(?:\s*(?:-|–|—|to|bis|à|a)\s*(${NUMBER}))?\s*(${UNIT_PATTERN})(?![\p{L}])\.?`, 'giu')
/** Words around an amount that do not change it: "~2 days", "about 3h", "ca. 3 Std.", "1h and 30m". */
const FILLER = /[~≈+(),;/]|(?<![\p{L}])(?:approximately|approx\.?|about|around|roughly|circa|ca\.|estimated|est\.|etwa|ungefähr|rund|environ|and|und|et|y|or so)(?![\p{L}])/giu

/**
 * Hours of work in an estimate, or undefined when it is not a plain duration (story points, a
 * number without a unit, "2h if cached, 2d otherwise"). A range counts as its midpoint.
 */
export function parseEstimate(text: string): number | undefined {
  const normalised = text
    .toLowerCase()
    .replace(/(\d),(\d)/g, '$1.$2')
    .replace(/½/g, '0.5')
    .replace(/\bhalf an? /g, '0.5 ')
    .replace(/\ba couple of /g, '2 ')
    .replace(/\ban? (?=(?:hour|day|week|month)\b)/g, '1 ')
  let hours = 0
  let found = false
  const leftover = normalised.replace(AMOUNT, (_, low: string, high: string | undefined, unit: string) => {
    const amount = high === undefined ? Number(low) : (Number(low) + Number(high)) / 2
    hours += amount * (UNIT_HOURS.get(unit.replace(/\s/g, ' ')) ?? UNIT_HOURS.get(unit.replace(/\s/g, '-')) ?? 0)
    found = true
    return ' '
  })
  if (!found || leftover.replace(FILLER, ' ').trim() !== '') return undefined
  return hours > 0 ? hours : undefined
}

/** Hours as a reader says them, and always as an approximation: "≈ 45 min", "≈ 6 hours", "≈ 3.5 days", "≈ 2.5 weeks". */
export function formatHours(hours: number): string {
  const half = (x: number): number => Math.max(0.5, Math.round(x * 2) / 2)
  const unit = (n: number, word: string): string => `≈ ${n} ${word}${n === 1 ? '' : 's'}`
  if (hours < 1) return `≈ ${Math.max(1, Math.round(hours * 60))} min`
  if (hours < HOURS_PER_DAY) return unit(half(hours), 'hour')
  if (hours < 10 * HOURS_PER_DAY) return unit(half(hours / HOURS_PER_DAY), 'day')
  return unit(half(hours / HOURS_PER_WEEK), 'week')
}
