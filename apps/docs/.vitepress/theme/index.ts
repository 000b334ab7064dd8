import DefaultTheme from 'vitepress/theme'
import type { Theme } from 'vitepress'
import LinePlot from '../../components/LinePlot.vue'
import 'uplot/dist/uPlot.min.css'

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LinePlot', LinePlot)
  },
} satisfies Theme
