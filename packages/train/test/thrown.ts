/** The message of what `f` throws (a test helper: fails when `f` returns). */
export function thrown(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('did not throw')
}
