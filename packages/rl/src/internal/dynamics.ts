// The cart-pole's equations of motion, apart from the environment so the tests can start them from
// any state (the environment only starts from seeded states). Not exported from the package.
/** x, ẋ, θ, θ̇ (the package's State). */
type State = readonly [x: number, xDot: number, theta: number, thetaDot: number]

const gravity = 9.8
const cartMass = 1.0
const poleMass = 0.1
const halfLength = 0.5
const force = 10.0
const tau = 0.02

/** Gymnasium's constants; the package exports them as cartPolePhysics. */
export const physics = /* @__PURE__ */ Object.freeze({ gravity, cartMass, poleMass, halfLength, force, tau } as const)

const totalMass = cartMass + poleMass
const poleMassLength = poleMass * halfLength

/**
 * One Euler step from `state` with the push of `action` (1 right, anything else left); see cartPole's
 * TSDoc. `poleMass * cos * cos` rounds differently from Gymnasium's `masspole * np.square(costheta)` in
 * the last bit now and then; it stays as it is so that seeded runs keep the returns they had.
 */
export function dynamics(state: State, action: number): State {
  const [x, xDot, theta, thetaDot] = state
  const f = action === 1 ? force : -force
  const cos = Math.cos(theta)
  const sin = Math.sin(theta)
  const temp = (f + poleMassLength * thetaDot * thetaDot * sin) / totalMass
  const thetaAcc = (gravity * sin - cos * temp) / (halfLength * (4 / 3 - (poleMass * cos * cos) / totalMass))
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / totalMass
  return [x + tau * xDot, xDot + tau * xAcc, theta + tau * thetaDot, thetaDot + tau * thetaAcc]
}

/** True when the pole leans past `thetaLimit` or the cart is past `xLimit`. */
export function fallen(state: State, thetaLimit: number, xLimit: number): boolean {
  const [x, , theta] = state
  return x < -xLimit || x > xLimit || theta < -thetaLimit || theta > thetaLimit
}
