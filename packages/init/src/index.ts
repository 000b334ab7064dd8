export * from './constant.js'
