// Vue single-file components, as the docs theme imports them (type-checked by Vite, not tsc).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
