/**
 * Units people write estimates in, longest first so `hours` is not read as `h` + "ours": English,
 * German (`Std.`, `Tage`), French (`j`, `jours`), Spanish and Portuguese (`horas`, `días`) and
 * Japanese or Chinese (`時間`, `日`, `分`, `週間`, `小时`, `天`).
 */
const UNIT = String.raw`(?:hours?|hrs?|h|stunden|stunde|std\.?|heures?|horas?|小时|時間|days?|d|tage?|t\.?|jours?|j|d[ií]as?|天|日|weeks?|wks?|w|wochen?|semaines?|semanas?|週間|周|週|minutes?|minuten?|mins?\.?|m|分钟|分)`
const NUMBER = String.raw`\d+(?:[.,]\d+)?`
/** `2h`, `~3 days`, `1-2 wks`, `30 min`, `3 Std.`, `2時間`. */
const DURATION = String.raw`(?:~|≈|ca\.|approx\.?|about)?\s*${NUMBER}(?:\s*(?:-|–|to|bis)\s*${NUMBER})?\s*${UNIT}`
const PREFIX = String.raw`(?:est(?:imate)?\.?:?\s*|estimate:\s*|aufwand:?\s*|見積(?:もり)?[:：]?\s*)?`
/** A trailing estimate: `(2h)`, `[4h]`, `（2時間）`, `(est. 1d)` or a dash-separated `— 2d`. */
const TRAILING_ESTIMATE = new RegExp(
  String.raw`\s*(?:[(\[（]\s*${PREFIX}(${DURATION})\s*[)\]）]|\s(?:--|[—–-])\s*${PREFIX}(${DURATION}))$`,
  'iu',
)

/** Takes a trailing `(2h)`, `[4h]`, `(3 Std.)` or `— 2d` off a step name, as written. */
export function splitEstimate(headline: string): { name: string; estimate?: string } {
  const match = TRAILING_ESTIMATE.exec(headline)
  const estimate = (match?.[1] ?? match?.[2])?.replace(/\s+/g, ' ').trim()
  if (!match || !estimate) return { name: headline.trim() }
  return { name: headline.slice(0, match.index).trim(), estimate }
}
