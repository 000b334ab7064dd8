#!/usr/bin/env node
// Packs every public @gd package (after `pnpm build`) into one folder, as `pnpm pack` writes them for npm:
// `workspace:^` ranges become version ranges, so the tarballs installed together satisfy each other.
// Run directly (`pnpm pack:all`), it packs into <repo>/packed and prints the npm command that installs them.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, '..', '..')

/** Public packages: every packages/* whose package.json is not private. */
export function publicPackages() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({
      dir: join(root, 'packages', dir),
      json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
    }))
    .filter((p) => p.json.private !== true)
}

/** Packs every public package into `destination` (emptied first); returns the tarballs' paths. */
export function packAll(destination) {
  const packages = publicPackages()
  const unbuilt = packages.filter((p) => !existsSync(join(p.dir, 'dist', 'index.js'))).map((p) => p.json.name)
  if (unbuilt.length > 0)
    throw new Error(`pack: ${unbuilt.join(', ')} not built; run \`npx -y pnpm@10.34.9 build\` first`)
  rmSync(destination, { recursive: true, force: true })
  mkdirSync(destination, { recursive: true })
  for (const p of packages) {
    execFileSync('npx', ['-y', 'pnpm@10.34.9', 'pack', '--pack-destination', destination], {
      cwd: p.dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  }
  return readdirSync(destination)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(destination, f))
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  try {
    const files = packAll(join(root, 'packed'))
    console.log(`packed ${files.length} packages into ${join(root, 'packed')}; install them in your project with:`)
    console.log(`npm install ${join(root, 'packed')}/*.tgz`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  }
}
