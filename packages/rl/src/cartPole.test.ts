import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { prngKey, splitKey } from '@gd/tensor'
import { cartPole, cartPolePhysics, maxSteps, thetaLimit, xLimit, type CartPoleObservation } from './cartPole.js'
import { dynamics, fallen } from './internal/dynamics.js'

/** Plays one episode with a fixed controller; returns the observations and the last step's flags. */
function play(key: number, controller: (obs: CartPoleObservation) => number) {
  const env = cartPole(key)
  let obs = env.reset()
  const seen: CartPoleObservation[] = [obs]
  let last = { done: false, terminated: false, truncated: false }
  for (let done = false; !done;) {
    const r = env.step(controller(obs))
    expect(r.reward).toBe(1)
    expect(r.done).toBe(r.terminated || r.truncated)
    obs = r.observation
    seen.push(obs)
    done = r.done
    last = r
  }
  return { seen, last }
}

/** A hand-tuned linear controller that balances the pole for the whole episode. */
const balance = (o: CartPoleObservation): number => (o[2] + 0.5 * o[3] + 0.05 * o[0] + 0.1 * o[1] > 0 ? 1 : 0)

describe('cart-pole dynamics', () => {
  it("has Gymnasium's CartPole-v1 constants", () => {
    expect(cartPolePhysics).toEqual({ gravity: 9.8, cartMass: 1, poleMass: 0.1, halfLength: 0.5, force: 10, tau: 0.02 })
    expect(Object.isFrozen(cartPolePhysics)).toBe(true)
    // 12° = 12 · 2π / 360 = 0.2094395… rad
    expect(thetaLimit).toBeCloseTo(0.20943951, 8)
    expect([xLimit, maxSteps]).toEqual([2.4, 500])
  })

  it('matches the equations worked by hand from rest', () => {
    // From rest with F = +10: sin θ = 0, so temp = F / (m_c + m_p) = 10 / 1.1 = 9.0909…,
    // θ̈ = −cos θ · temp / (l (4/3 − m_p / 1.1)) = −9.0909 / (0.5 · 1.242424) = −14.634146…,
    // ẍ = temp − m_p l θ̈ / 1.1 = 9.0909 + 0.05 · 14.634146 / 1.1 = 9.756098…
    // Euler: positions move with the old (zero) velocities; ẋ = 0.02 ẍ, θ̇ = 0.02 θ̈.
    const s1 = dynamics([0, 0, 0, 0], 1)
    expect(s1[0]).toBe(0)
    expect(s1[1]).toBeCloseTo(0.19512195, 8)
    expect(s1[2]).toBe(0)
    expect(s1[3]).toBeCloseTo(-0.29268293, 8)
    // Second push right: θ is still 0, so the accelerations repeat; x = 0.02 · 0.195122, θ = 0.02 · (−0.292683).
    const s2 = dynamics(s1, 1)
    expect(s2[0]).toBeCloseTo(0.003902439, 9)
    expect(s2[1]).toBeCloseTo(0.3902439, 8)
    expect(s2[2]).toBeCloseTo(-0.0058536585, 9)
    expect(s2[3]).toBeCloseTo(-0.58536585, 8)
    // Push left from θ = −0.0058537, θ̇ = −0.585366: temp = (−10 + 0.05 θ̇² sin θ) / 1.1 = −9.0910003,
    // θ̈ = (9.8 sin θ − cos θ · temp) / (0.5 (4/3 − 0.1 cos² θ / 1.1)) = 14.541661,
    // ẍ = temp − 0.05 θ̈ cos θ / 1.1 = −9.7519735.
    const s3 = dynamics(s2, 0)
    expect(s3[0]).toBeCloseTo(0.0117073171, 9)
    expect(s3[1]).toBeCloseTo(0.3902439 + 0.02 * -9.7519735, 7)
    expect(s3[2]).toBeCloseTo(-0.0175609756, 9)
    expect(s3[3]).toBeCloseTo(-0.58536585 + 0.02 * 14.541661, 6)
  })

  it('leans and moves: θ = 0.1, θ̇ = 0.3, ẋ = −0.2, pushed left', () => {
    // sin 0.1 = 0.0998334, cos 0.1 = 0.9950042; temp = (−10 + 0.05 · 0.09 · 0.0998334) / 1.1 = −9.0905007,
    // θ̈ = (0.9783674 + 0.9950042 · 9.0905007) / (0.5 (4/3 − 0.1 · 0.9900333 / 1.1)) = 16.123557,
    // ẍ = −9.0905007 − 0.05 · 16.123557 · 0.9950042 / 1.1 = −9.8197282
    const [x, xDot, theta, thetaDot] = dynamics([0.1, -0.2, 0.1, 0.3], 0)
    expect(x).toBeCloseTo(0.1 + 0.02 * -0.2, 12)
    expect(xDot).toBeCloseTo(-0.2 + 0.02 * -9.8197282, 8)
    expect(theta).toBeCloseTo(0.1 + 0.02 * 0.3, 12)
    expect(thetaDot).toBeCloseTo(0.3 + 0.02 * 16.123557, 7)
  })

  it('falls at 12° and at 2.4 m, not before', () => {
    expect(fallen([0, 0, thetaLimit, 0], thetaLimit, xLimit)).toBe(false)
    expect(fallen([0, 0, -thetaLimit - 1e-9, 0], thetaLimit, xLimit)).toBe(true)
    expect(fallen([xLimit, 0, 0, 0], thetaLimit, xLimit)).toBe(false)
    expect(fallen([xLimit + 1e-9, 0, 0, 0], thetaLimit, xLimit)).toBe(true)
    expect(fallen([-xLimit - 1e-9, 0, 0, 0], thetaLimit, xLimit)).toBe(true)
  })
})

describe('cartPole episodes', () => {
  it('steps with the dynamics from the state reset returned', () => {
    const env = cartPole(4)
    const start = env.reset()
    expect(env.step(1).observation).toEqual(dynamics(start, 1))
  })

  it('terminates when the pole falls: always pushing right tips it in a few dozen steps', () => {
    const { seen, last } = play(3, () => 1)
    expect(seen.length - 1).toBeGreaterThan(5)
    expect(seen.length - 1).toBeLessThan(40)
    expect(last).toMatchObject({ done: true, terminated: true, truncated: false })
    expect(fallen(seen.at(-1)!, thetaLimit, xLimit)).toBe(true)
    expect(seen.slice(0, -1).some((s) => fallen(s, thetaLimit, xLimit))).toBe(false)
  })

  it('truncates an episode at 500 steps (CartPole-v1) when the pole stays up', () => {
    const { seen, last } = play(0, balance)
    expect(seen.length - 1).toBe(500)
    expect(last).toMatchObject({ done: true, terminated: false, truncated: true })
  })

  it('starts from a seeded uniform(−0.05, 0.05) state, a new one each episode', () => {
    const env = cartPole(7)
    const starts = [env.reset(), env.reset(), env.reset()]
    for (const s of starts) for (const v of s) expect(Math.abs(v)).toBeLessThanOrEqual(0.05)
    expect(starts[0]).not.toEqual(starts[1])
    const again = cartPole(7)
    expect([again.reset(), again.reset(), again.reset()]).toEqual(starts)
    expect(cartPole(8).reset()).not.toEqual(starts[0])
    expect(cartPole(prngKey(7)).reset()).toEqual(starts[0])
    const [k] = splitKey(prngKey(7))
    expect(cartPole(k!).reset()).not.toEqual(starts[0])
  })

  it('is deterministic for a seed: the same actions give the same trajectory, bit for bit', () => {
    const pattern = (o: CartPoleObservation): number => (o[3] > 0 ? 1 : 0)
    expect(play(11, pattern).seen).toEqual(play(11, pattern).seen)
    expect(play(11, pattern).seen).not.toEqual(play(12, pattern).seen)
  })

  it('hands out fresh observations: writing into one does not move the cart', () => {
    const env = cartPole(5)
    const start = env.reset() as unknown as number[]
    const copy = [...start]
    start[2] = 1
    expect(env.step(0).observation).toEqual(dynamics(copy as never, 0))
    const key = [0, 5]
    const fromKey = cartPole(key as never)
    key[1] = 6
    expect(fromKey.reset()).toEqual(copy)
  })

  it('rejects bad keys and actions, stepping before reset and after the end, leaving the episode as it was', () => {
    const env = cartPole(0)
    expect(() => env.step(1)).toThrow(
      'cartPole.step: no episode is running (step was called before reset, or after the episode ended); call reset first',
    )
    const start = env.reset()
    expect(() => env.step(2)).toThrow('cartPole.step: action must be 0 (push left) or 1 (push right), got 2')
    expect(() => env.step(0.5)).toThrow('cartPole.step: action must be 0 (push left) or 1 (push right), got 0.5')
    expect(() => env.step('1' as never)).toThrow(
      'cartPole.step: action must be 0 (push left) or 1 (push right), got "1"',
    )
    expect(() => env.step(undefined as never)).toThrow(
      'cartPole.step: action must be 0 (push left) or 1 (push right), got undefined',
    )
    // the failed calls did not move the cart: the next step is the first step from the start state
    expect(env.step(1).observation).toEqual(dynamics(start, 1))
    let done = false
    while (!done) done = env.step(1).done
    expect(() => env.step(1)).toThrow('cartPole.step: no episode is running')
    const expected = 'an integer seed or a PRNGKey (a pair of uint32 from prngKey or splitKey)'
    expect(() => cartPole(1.5)).toThrow(`cartPole: key must be ${expected}, got 1.5`)
    expect(() => cartPole(NaN)).toThrow(`cartPole: key must be ${expected}, got NaN`)
    expect(() => cartPole([1, 2, 3] as never)).toThrow(`cartPole: key must be ${expected}, got [1,2,3]`)
    expect(() => cartPole([1, -2] as never)).toThrow(`cartPole: key must be ${expected}, got [1,-2]`)
    expect(() => cartPole(undefined as never)).toThrow(`cartPole: key must be ${expected}, got undefined`)
  })
})

describe('cartPole against Gymnasium', () => {
  // Trajectories written by Gymnasium 1.3.0's own CartPole-v1 (fixtures/gymnasium-cartpole.py): from the
  // same start states and with the same actions, the states agree to the last bit, and so do the flags.
  type Episode = { start: number[]; actions: number[]; states: number[][]; terminated: boolean[]; truncated: boolean[] }
  const reference = JSON.parse(
    readFileSync(new URL('../fixtures/gymnasium-cartpole.json', import.meta.url), 'utf8'),
  ) as { gymnasium: string; episodes: Episode[] }

  it('steps exactly as Gymnasium does: three random episodes to their end, and 30 balanced steps of three more', () => {
    expect(reference.gymnasium).toBe('1.3.0')
    expect(reference.episodes.map((e) => e.actions.length)).toEqual([10, 42, 31, 30, 30, 30])
    for (const episode of reference.episodes) {
      let state = episode.start as unknown as CartPoleObservation
      episode.actions.forEach((action, t) => {
        state = dynamics(state, action)
        expect([...state]).toEqual(episode.states[t])
        expect(fallen(state, thetaLimit, xLimit)).toBe(episode.terminated[t])
        expect(episode.truncated[t]).toBe(false)
      })
    }
    // the random episodes end when the pole falls or the cart leaves the track
    expect(reference.episodes.slice(0, 3).map((e) => e.terminated.at(-1))).toEqual([true, true, true])
  })
})
