import { defineConfig } from 'vitepress'

// Guides import the workspace packages from TypeScript source (the `@gd/source` export condition),
// so the code a page shows is the code that runs.
export default defineConfig({
  title: '@gd',
  description: 'Gradient-based learning in TypeScript: tensors, autodiff, losses, optimizers, schedules.',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  srcExclude: ['api/**', 'README.md'],
  ignoreDeadLinks: [/^\/api\//],
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
          { text: 'Schedules', link: '/guide/schedules' },
          { text: 'Local minima and saddle points', link: '/guide/local-minima' },
          { text: 'Vanishing and exploding gradients', link: '/guide/init' },
          { text: 'Extending @gd', link: '/guide/extending' },
        ],
      },
    ],
  },
})
