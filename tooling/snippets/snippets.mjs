// Reading snippets and commands out of Markdown, and judging the commands against the workspace's scripts.
// run.mjs does the file walking and the running; this module is pure, so its test is fast.

/** Languages whose fenced blocks are run, and the file extension each is written to. */
export const runnable = { ts: '.ts', typescript: '.ts', js: '.mjs', javascript: '.mjs', mjs: '.mjs', cjs: '.cjs' }

/** The marker that exempts the next fenced block from running; it must give a reason. */
const skipMarker = /^<!--\s*snippet:\s*not run\s*\((.+)\)\s*-->\s*$/

/**
 * The fenced code blocks of a Markdown text: `{ line, lang, code, skip }` with `line` 1-based (the opening fence) and
 * `skip` the reason given by a `<!-- snippet: not run (reason) -->` line before the fence (blank lines between them
 * allowed, as Prettier writes one), or undefined.
 */
export function codeBlocks(markdown) {
  const lines = markdown.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i])
    if (open === null) continue
    const [, indent, fence, lang] = open
    const body = []
    let j = i + 1
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) body.push(lines[j++].slice(indent.length))
    let above = i - 1
    while (above >= 0 && lines[above].trim() === '') above--
    const marker = above >= 0 ? skipMarker.exec(lines[above].trim()) : null
    blocks.push({ line: i + 1, lang: lang.toLowerCase(), code: body.join('\n') + '\n', skip: marker?.[1] })
    i = j
  }
  return blocks
}

/**
 * Every pnpm command a Markdown text shows, in shell blocks or inline code: `{ line, command }`, one per command
 * (split at `&&`, `;` and `|`), `npx -y pnpm@x` written as `pnpm`.
 */
export function pnpmCommands(markdown) {
  const found = []
  const lines = markdown.split('\n')
  let fence = null
  lines.forEach((text, i) => {
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(text)
    if (fence === null && open !== null) {
      fence = { marker: open[1], shell: ['sh', 'bash', 'shell', 'console', ''].includes(open[2]) }
      return
    }
    if (fence !== null && text.trimStart().startsWith(fence.marker)) {
      fence = null
      return
    }
    const shellLine = text.replace(/(^|\s)#.*$/, '')
    const pieces = fence === null ? [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]) : fence.shell ? [shellLine] : []
    for (const piece of pieces) {
      for (const part of piece.split(/&&|;|\|/)) {
        const m = /(?:^|\s)(?:npx\s+(?:-y\s+)?)?pnpm(?:@[\w.-]+)?(\s.*)?$/.exec(part.replace(/^\s*\$\s*/, '').trim())
        if (m !== null) found.push({ line: i + 1, command: `pnpm${m[1] ?? ''}`.trim() })
      }
    }
  })
  return found
}

/** pnpm's own commands, which run no script of that name. */
const builtins = new Set([
  'add',
  'audit',
  'bin',
  'config',
  'create',
  'dedupe',
  'dlx',
  'env',
  'exec',
  'fetch',
  'help',
  'i',
  'import',
  'init',
  'install',
  'link',
  'list',
  'ls',
  'outdated',
  'pack',
  'patch',
  'prune',
  'publish',
  'rebuild',
  'remove',
  'root',
  'run',
  'setup',
  'store',
  'unlink',
  'update',
  'why',
])

/** Names pnpm hands to npm instead of running a script with that name (so a script must not be called so). */
export const shadowed = new Set([
  'access',
  'adduser',
  'bugs',
  'deprecate',
  'dist-tag',
  'docs',
  'edit',
  'find',
  'home',
  'info',
  'issues',
  'login',
  'logout',
  'owner',
  'ping',
  'prefix',
  'profile',
  'pkg',
  'repo',
  's',
  'se',
  'search',
  'show',
  'star',
  'stars',
  'team',
  'token',
  'unpublish',
  'unstar',
  'v',
  'version',
  'view',
  'whoami',
  'xmas',
])

/**
 * What is wrong with one pnpm command, or undefined when it names a script that exists (or a pnpm command).
 * `scripts` maps a package name (`'.'` for the workspace root) to its script names.
 */
export function commandProblem(command, scripts) {
  const words = command.split(/\s+/).slice(1)
  let target = '.'
  let i = 0
  while (i < words.length && words[i].startsWith('-')) {
    const flag = words[i++]
    if (flag === '--filter' || flag === '-F' || flag === '-C' || flag === '--dir') target = words[i++] ?? target
    else if (flag.startsWith('--filter=')) target = flag.slice('--filter='.length)
  }
  let name = words[i]
  if (name === undefined) return undefined // `pnpm` alone (pnpm's own help), or `pnpm -r …`
  if (name === 'run') name = words[i + 1]
  else if (builtins.has(name) || name === 'test') return undefined
  if (name === undefined) return undefined
  if (shadowed.has(name)) return `\`pnpm ${name}\` runs npm's own \`${name}\`, never a script of that name`
  const known = scripts[target]
  if (known === undefined) return target.includes('*') ? undefined : `no workspace package ${target}`
  if (!known.includes(name))
    return `${target === '.' ? 'the root package.json' : target} has no script \`${name}\` (it has ${known.join(', ')})`
  return undefined
}
