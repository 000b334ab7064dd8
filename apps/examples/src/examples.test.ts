import { describe, expect, it } from 'vitest'
import { examples } from './index.js'

describe('every example runs on a small budget', () => {
  for (const [name, example] of Object.entries(examples)) {
    it(name, () => {
      const lines: string[] = []
      example.run({ quick: true, log: (line) => lines.push(line) })
      expect(lines.length).toBeGreaterThan(0)
      expect(lines.join('\n')).not.toMatch(/NaN|Infinity/)
    })
  }
})
