/**
 * A number for a table or a label: plain up to 4 significant digits between 0.001 and 10,000,
 * otherwise in exponent form without the plus sign (`2.6e21`, `3e-4`); NaN and ±∞ as themselves.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  if (a === 0 || (a >= 1e-3 && a < 1e4)) return String(Number(x.toPrecision(4)))
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string]
  return `${Number(Number(mantissa).toPrecision(2))}e${exponent.replace('+', '')}`
}

/**
 * A loss for a table or a progress line: 4 decimals below 10,000 (`0.2134`), in exponent form above
 * (`7.6e19`), NaN and ±∞ as themselves.
 */
export function formatLoss(x: number): string {
  return Number.isFinite(x) && Math.abs(x) < 1e4 ? x.toFixed(4) : formatNumber(x)
}
