import os from 'node:os'

/** The machine a run was measured on; printed in the header of every table. */
export interface MachineInfo {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
  loadAverage: [number, number, number]
  date: string
}

/** Reads CPU model, core count, memory, Node version and the 1/5/15-minute load average. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus()
  const [l1 = 0, l5 = 0, l15 = 0] = os.loadavg()
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage: [l1, l5, l15],
    date: new Date().toISOString(),
  }
}
