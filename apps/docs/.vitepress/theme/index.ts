import DefaultTheme from 'vitepress/theme'
import type { Theme } from 'vitepress'
import LinePlot from '../../components/LinePlot.vue'
import SurfacePlot from '../../components/SurfacePlot.vue'
import './custom.css'
import 'uplot/dist/uPlot.min.css'

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('LinePlot', LinePlot)
    app.component('SurfacePlot', SurfacePlot)
  },
} satisfies Theme
