/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after a run, so CI logs
 * and humans see the totals in a fixed form whatever else the default reporter printed.
 */
export default class SummaryReporter {
  onTestRunEnd(testModules) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) counts.failed++
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`)
  }
}
