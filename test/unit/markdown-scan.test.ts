import { describe, expect, it } from 'vitest'
import { cleanUntrusted as stripHtmlComments } from '../../src/context/untrusted.ts'
import { mapProse } from '../../src/markdown/scan.ts'

// Comment stripping is part of cleaning untrusted text; these cases pin the comment and code rules.

describe('stripHtmlComments: comments GitHub hides', () => {
  it('removes the guidance comments an issue form leaves in the body', () => {
    const body = [
      '### Describe the bug',
      '',
      '<!-- A clear and concise description of what the bug is. -->',
      'Short links with a trailing space redirect to a 502 page.',
      '',
      '### Steps to reproduce',
      '<!-- Please list the steps, one per line -->',
      '1. Create a link',
      '2. Open it',
    ].join('\n')
    const stripped = stripHtmlComments(body)
    expect(stripped).not.toContain('<!--')
    expect(stripped).not.toContain('concise description')
    expect(stripped).toBe(
      [
        '### Describe the bug',
        '',
        'Short links with a trailing space redirect to a 502 page.',
        '',
        '### Steps to reproduce',
        '',
        '1. Create a link',
        '2. Open it',
      ].join('\n'),
    )
  })

  it('removes a comment in the middle of a line', () => {
    expect(stripHtmlComments('Deploy <!-- TODO: which region? -->to eu-west-1.')).toBe('Deploy to eu-west-1.')
  })

  it('removes a comment that spans several lines, and does not leave a gap of blank lines', () => {
    const body = 'Intro\n\n<!--\nThanks for filing an issue!\nPlease fill in:\n- version\n- steps\n-->\n\nActual text'
    expect(stripHtmlComments(body)).toBe('Intro\n\nActual text')
  })

  it('treats an unterminated comment as hiding the rest of the body, as GitHub does', () => {
    const body = 'Visible part.\n\n<!-- forgot to close this\nHidden line one\nHidden line two'
    expect(stripHtmlComments(body)).toBe('Visible part.')
  })

  it('removes every comment, not just the first', () => {
    expect(stripHtmlComments('a <!-- 1 --> b <!-- 2 --> c')).toBe('a  b  c')
  })

  it('leaves text without comments unchanged apart from surrounding whitespace', () => {
    const body = '  Fix the **login** page: `session.ts` throws on `<br>` tags.\n'
    expect(stripHtmlComments(body)).toBe('Fix the **login** page: `session.ts` throws on `<br>` tags.')
  })
})

describe('stripHtmlComments: code shows comments as text', () => {
  it('keeps a comment inside a ``` fenced block', () => {
    const body = 'Our template:\n\n```html\n<!-- header partial -->\n<div class="header"></div>\n```\n\n<!-- hidden note -->Done.'
    const stripped = stripHtmlComments(body)
    expect(stripped).toContain('```html\n<!-- header partial -->\n<div class="header"></div>\n```')
    expect(stripped).not.toContain('hidden note')
    expect(stripped).toMatch(/Done\.$/)
  })

  it('keeps a comment inside a ~~~ fenced block, and a ``` line does not close it', () => {
    const body = '~~~\n<!-- kept -->\n```\n<!-- still code -->\n~~~\n<!-- gone -->after'
    const stripped = stripHtmlComments(body)
    expect(stripped).toContain('<!-- kept -->')
    expect(stripped).toContain('<!-- still code -->')
    expect(stripped).not.toContain('gone')
    expect(stripped).toMatch(/~~~\nafter$/)
  })

  it('keeps a longer fence open across a shorter fence line inside it', () => {
    const body = '````markdown\nExample:\n```\n<!-- inner -->\n```\n````\n<!-- outer -->tail'
    const stripped = stripHtmlComments(body)
    expect(stripped).toContain('<!-- inner -->')
    expect(stripped).not.toContain('outer')
    expect(stripped).toMatch(/````\ntail$/)
  })

  it('keeps a fence indented by up to three spaces', () => {
    const stripped = stripHtmlComments('   ```\n   <!-- indented code -->\n   ```')
    expect(stripped).toContain('<!-- indented code -->')
  })

  it('keeps everything after a fence that is never closed, since it is all code', () => {
    const body = 'Log:\n```\n<!-- part of the log -->\nERROR boom'
    expect(stripHtmlComments(body)).toBe(body)
  })

  it('keeps a comment inside an inline code span', () => {
    expect(stripHtmlComments('Add `<!-- prettier-ignore -->` above the table. <!-- hidden -->')).toBe(
      'Add `<!-- prettier-ignore -->` above the table.',
    )
  })

  it('keeps a comment inside a double-backtick code span that contains a backtick', () => {
    const body = 'Write ``<!-- a ` b -->`` literally.<!-- gone -->'
    expect(stripHtmlComments(body)).toBe('Write ``<!-- a ` b -->`` literally.')
  })

  it('does not let a single backtick close a double-backtick span', () => {
    const body = 'Use ``x ` <!-- in code --> ` y`` here'
    expect(stripHtmlComments(body)).toBe(body)
  })

  it('treats a backtick that is never closed as plain text, so a later comment is still removed', () => {
    expect(stripHtmlComments("It's the ` key. <!-- hidden --> End")).toBe("It's the ` key.  End")
  })

  it('does not let a code span run across a blank line into the next paragraph', () => {
    // GitHub ends inline code at the paragraph: the first backtick is literal and the comment is hidden.
    const body = 'Press the ` key to open the console.\n\n<!-- template hint -->Then run `npm test`.'
    expect(stripHtmlComments(body)).toBe('Press the ` key to open the console.\n\nThen run `npm test`.')
  })
})

describe('mapProse', () => {
  const upper = (s: string) => s.toUpperCase()

  it('transforms prose and leaves inline code and fenced blocks exactly as written', () => {
    const markdown = 'run `npm ci` then\n```sh\nnpm test\n```\ndone'
    expect(mapProse(markdown, upper)).toBe('RUN `npm ci` THEN\n```sh\nnpm test\n```\nDONE')
  })

  it('drops comments entirely instead of transforming them', () => {
    const seen: string[] = []
    const out = mapProse('before <!-- secret --> after', (s) => {
      seen.push(s)
      return s
    })
    expect(out).toBe('before  after')
    expect(seen.join('')).not.toContain('secret')
  })

  it('hands contiguous prose to the transform as one piece, across lines and HTML', () => {
    const seen: string[] = []
    mapProse('line one <b>bold</b>\nline two', (s) => {
      seen.push(s)
      return s
    })
    expect(seen).toEqual(['line one <b>bold</b>\nline two'])
  })

  it('can escape prose without touching code, the way the sanitiser uses it', () => {
    const escape = (s: string) => s.replace(/</g, '&lt;')
    expect(mapProse('<img src=x> and `<img src=y>`', escape)).toBe('&lt;img src=x> and `<img src=y>`')
  })

  it('returns an empty string for empty input', () => {
    expect(mapProse('', upper)).toBe('')
  })
})
