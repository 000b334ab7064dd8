// Not part of `pnpm test` (the root config lists only tooling/*/vitest.config.js): each case runs
// dependency-cruiser over a scratch workspace, seconds in all. Run by `pnpm check:boundaries-selftest`,
// its own CI step; `pnpm boundaries` checks the real repository.
export { default } from '@gd/vitest-config'
