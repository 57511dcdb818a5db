/**
 * `work`, or a rejection with `timeoutError()` once `ms` have passed, whichever comes first. The work
 * itself is not cancelled; the caller just stops waiting for it.
 */
export async function withDeadline<T> (work: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(timeoutError()), ms) })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * An abort signal that fires after `ms`, from a timer this module holds (call `clear` when done). Not
 * `AbortSignal.timeout`: its timer is weak, and under load or a collection it was seen to fire seconds late
 * (Node 20 and 24), so a "200 ms" attempt took over a second.
 */
export function timeoutSignal (ms: number) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out', 'TimeoutError')), ms)
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}
