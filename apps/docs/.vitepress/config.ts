import { cpSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { defineConfig } from 'vitepress'

// Guides import the workspace packages from TypeScript source (the `@gd/source` export condition),
// so the code a page shows is the code that runs.
export default defineConfig({
  title: '@gd',
  description: 'Gradient-based learning in TypeScript: tensors, autodiff, losses, optimizers, schedules.',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  srcExclude: ['api/**', 'README.md'],
  // The API reference is typedoc's output (apps/docs/api, from `pnpm docs:api`), not VitePress pages:
  // check-pages.mjs checks that every /api/ link resolves, and buildEnd copies it into the site.
  ignoreDeadLinks: [/^\/api\//],
  markdown: {
    config(md) {
      // A link into the API reference leaves the VitePress app (the router would look for a page).
      md.core.ruler.push('gd-api-links', (state) => {
        for (const block of state.tokens) {
          for (const t of block.children ?? []) {
            if (t.type === 'link_open' && t.attrGet('href')?.startsWith('/api/')) t.attrSet('target', '_self')
          }
        }
      })
    },
  },
  buildEnd(site) {
    const api = join(site.srcDir, 'api')
    if (existsSync(api)) cpSync(api, join(site.outDir, 'api'), { recursive: true })
  },
  vite: {
    resolve: { conditions: ['@gd/source'] },
    ssr: { resolve: { conditions: ['@gd/source'] }, noExternal: [/^@gd\//] },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Introduction', link: '/guide/' },
          { text: 'Gradient descent on a surface', link: '/guide/gradient-descent' },
          { text: 'The learning rate', link: '/guide/learning-rate' },
          { text: 'Batch, stochastic, mini-batch', link: '/guide/batch-size' },
          { text: 'Cost functions and output units', link: '/guide/cost-functions' },
          { text: 'Regularization', link: '/guide/regularization' },
          { text: 'Schedules', link: '/guide/schedules' },
          { text: 'Local minima and saddle points', link: '/guide/local-minima' },
          { text: 'Vanishing and exploding gradients', link: '/guide/init' },
          { text: 'Recurrent nets: gradients through time', link: '/guide/recurrent' },
          { text: 'Sequence models: a transformer on names', link: '/guide/sequence-models' },
          { text: 'Generative models: autoencoder and GAN', link: '/guide/generative' },
          { text: 'Reinforcement learning: REINFORCE on CartPole', link: '/guide/reinforcement-learning' },
          { text: 'Second-order methods: L-BFGS', link: '/guide/second-order' },
          { text: 'Optimizers', link: '/guide/optimizers' },
          { text: 'MNIST in the browser', link: '/guide/mnist' },
          { text: 'Keep and move your model', link: '/guide/keep-and-move' },
          { text: 'Extending @gd', link: '/guide/extending' },
          { text: 'How @gd runs your code', link: '/guide/how-gd-runs' },
        ],
      },
    ],
  },
})
