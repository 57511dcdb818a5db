import { fail, serviceUnavailable } from '../http/errors.js'

export interface ChallengeRequest {
  challengeToken: string
  phoneNumber: string
  purpose: string
  ip: string
}

/** SPEC §11: how long the operator's verifier has to answer. */
export const CHALLENGE_TIMEOUT_MS = 2000

/**
 * The SMS_CHALLENGE_URL hook: the operator's verifier (captcha, App Attest, Play Integrity) judges the
 * token. Passed only on a 2xx whose JSON body has `ok: true`; any other answer is 400 challenge_failed;
 * no answer in time (down, refused, timed out) is 503, since the token was never judged.
 */
export function createChallengeVerifier (url: string, timeoutMs = CHALLENGE_TIMEOUT_MS) {
  return async function verify (request: ChallengeRequest): Promise<void> {
    let response: Response
    let body: unknown
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ challenge_token: request.challengeToken, phone_number: request.phoneNumber, purpose: request.purpose, ip: request.ip }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual' // a redirect is an answer, and not a pass
      })
      body = await response.json().catch(() => null)
    } catch {
      throw serviceUnavailable('the challenge could not be checked, please retry', 1)
    }
    const passed = response.ok && typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true
    if (!passed) throw fail('challenge_failed')
  }
}

export type ChallengeVerifier = ReturnType<typeof createChallengeVerifier>
