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
