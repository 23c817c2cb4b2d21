import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseInputs } from '../../src/inputs.ts'
import { outputsOf } from '../../src/report.ts'

const read = (file: string): string => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')
const action = parse(read('action.yml')) as {
  runs: { using: string; main: string }
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; default?: string }>
  outputs: Record<string, { description: string }>
}
const readme = read('README.md')

describe('action.yml', () => {
  it('runs the bundle on node24 and has branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).toBeTruthy()
  })

  it('declares exactly the inputs the code reads, each described and in the README', () => {
    const read = new Set<string>()
    parseInputs((name) => {
      read.add(name)
      return action.inputs[name]?.default?.replace('${{ github.token }}', 'token') ?? ''
    })
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort())
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(spec.description.length, name).toBeGreaterThan(20)
      expect(readme, name).toContain(`| \`${name}\` |`)
    }
  })

  it('declares exactly the outputs the code sets, each described and in the README', () => {
    const set = outputsOf({ status: 'planned', comment: null }, [])
    expect(Object.keys(set).sort()).toEqual(Object.keys(action.outputs).sort())
    for (const [name, spec] of Object.entries(action.outputs)) {
      expect(spec.description.length, name).toBeGreaterThan(10)
      expect(readme, name).toContain(`| \`${name}\` |`)
    }
  })

  it('defaults in action.yml match the defaults the code applies when an input is empty', () => {
    const fromYaml = parseInputs((name) => action.inputs[name]?.default ?? '')
    const fromCode = parseInputs(() => '')
    // An empty needs-info-label or command means "off"; only the runner applies those inputs' defaults.
    expect({ ...fromYaml, githubToken: '', needsInfoLabel: '', command: '' }).toEqual(fromCode)
    expect(fromYaml.needsInfoLabel).toBe('plan-needs-info')
    expect(fromYaml.command).toBe('/plan')
  })
})
