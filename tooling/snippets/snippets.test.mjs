import { describe, expect, it } from 'vitest'
import { codeBlocks, commandProblem, pnpmCommands } from './snippets.mjs'

const scripts = { '.': ['build', 'demo', 'docs:dev'], '@gd/examples': ['example'] }

describe('codeBlocks', () => {
  it('reads each fenced block with its language, first line and skip reason', () => {
    const md = ['# t', '```ts', 'const a = 1', '```', '<!-- snippet: not run (a signature) -->', '```js', 'f(x)', '```', '~~~sh', 'ls', '~~~'].join('\n')
    expect(codeBlocks(md)).toEqual([
      { line: 2, lang: 'ts', code: 'const a = 1\n', skip: undefined },
      { line: 6, lang: 'js', code: 'f(x)\n', skip: 'a signature' },
      { line: 9, lang: 'sh', code: 'ls\n', skip: undefined },
    ])
  })

  it('strips a list item indentation from an indented block', () => {
    expect(codeBlocks('- item\n  ```ts\n  const b = 2\n  ```')).toEqual([{ line: 2, lang: 'ts', code: 'const b = 2\n', skip: undefined }])
  })
})

describe('pnpmCommands', () => {
  it('finds commands in shell blocks (split at && and ;, comments dropped) and in inline code, not in TypeScript', () => {
    const md = [
      'Run `pnpm docs:dev` or `npx -y pnpm@10.34.9 demo -- --task gan`.',
      '```sh',
      '# first `pnpm nothing` here',
      'npx -y pnpm@10.34.9 install && npx -y pnpm@10.34.9 build # then test',
      '```',
      '```ts',
      "const s = 'pnpm oops'",
      '```',
    ].join('\n')
    expect(pnpmCommands(md)).toEqual([
      { line: 1, command: 'pnpm docs:dev' },
      { line: 1, command: 'pnpm demo -- --task gan' },
      { line: 4, command: 'pnpm install' },
      { line: 4, command: 'pnpm build' },
    ])
  })
})

describe('commandProblem', () => {
  it('accepts scripts of the root or the filtered package, pnpm commands and `pnpm run <script>`', () => {
    for (const c of ['pnpm build', 'pnpm run demo', 'pnpm install', 'pnpm test', 'pnpm --filter @gd/examples example names', 'pnpm'])
      expect(commandProblem(c, scripts)).toBeUndefined()
  })

  it('names a missing script with the ones that exist, a script name pnpm gives to npm, and an unknown package', () => {
    expect(commandProblem('pnpm bench', scripts)).toBe('the root package.json has no script `bench` (it has build, demo, docs:dev)')
    expect(commandProblem('pnpm docs', scripts)).toBe("`pnpm docs` runs npm's own `docs`, never a script of that name")
    expect(commandProblem('pnpm --filter @gd/nope start', scripts)).toBe('no workspace package @gd/nope')
    expect(commandProblem('pnpm --filter @gd/examples run start', scripts)).toBe('@gd/examples has no script `start` (it has example)')
  })
})
