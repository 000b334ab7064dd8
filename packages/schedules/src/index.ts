export * from './constant.js'
export * from './schedule.js'
