// Not part of `pnpm test` (the root config lists only tooling/*/vitest.config.js): the round trip
// copies @gd/optimizers and runs vitest on it twice. Run by `pnpm check:scaffold`, its own CI step.
export { default } from '@gd/vitest-config'
