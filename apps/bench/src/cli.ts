/** Command-line options of `pnpm bench`. */
export interface CliOptions {
  /** Fewer samples and smaller sizes: a smoke run, never a verdict on speed. */
  quick: boolean
  /** Run only workloads whose name contains this text (case-insensitive). */
  only?: string
  /** Where the JSON and Markdown go. */
  out: string
  /** Run only the comparison of @gd on 2 worker threads against one (`@gd/tensor/threads`). */
  threads?: boolean
  /**
   * Profile @gd's step of each chosen workload instead of timing the contenders: the share of a step
   * in arithmetic, copies, allocation, GC and other (see src/profile/rules.ts).
   */
  profile?: boolean
  /**
   * Run the long loops instead of timing the contenders: 100,000 steps of `valueAndGrad` +
   * `stepInPlace` and 10,000 steps of `fit`, with RSS, arena fallbacks and the share of time in GC.
   */
  memory?: boolean
}

/**
 * Parses `--quick`, `--only <name>` (or `--only=<name>`), `--out <dir>`, `--threads`, `--profile` and `--memory`.
 *
 * @throws Error for an unknown flag, a flag missing its value, or two of `--threads`, `--profile` and `--memory`.
 * @example
 * ```ts
 * parseArgs(['--quick', '--only', 'matmul']) // { quick: true, only: 'matmul', out: 'results' }
 * ```
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = { quick: false, out: 'results' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new Error(`bench: ${flag} needs a value, got nothing`)
      return v
    }
    if (flag === '--') continue
    else if (flag === '--quick') o.quick = true
    else if (flag === '--only') o.only = value()
    else if (flag === '--out') o.out = value()
    else if (flag === '--threads' && inline === undefined) o.threads = true
    else if (flag === '--profile' && inline === undefined) o.profile = true
    else if (flag === '--memory' && inline === undefined) o.memory = true
    else
      throw new Error(
        `bench: unknown argument ${arg}; expected --quick, --only <name>, --out <dir>, --threads, --profile or --memory`,
      )
  }
  if (o.profile && o.threads) throw new Error('bench: --profile profiles @gd on one thread; leave out --threads')
  if (o.memory && (o.threads || o.profile)) {
    throw new Error(
      `bench: --memory runs its own loops on one thread; leave out --${o.threads ? 'threads' : 'profile'}`,
    )
  }
  return o
}
