import { dictionary } from '@zxcvbn-ts/language-common'

/**
 * The ~49,000 most common passwords of public breach corpora, as zxcvbn-ts ships them (all lower case).
 * Built once at boot into a Set, so a check is O(1) and never leaves the process.
 */
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()))

export const commonPasswordCount = COMMON.size

/** Compared case-insensitively: `Password123` is as guessable as `password123`. */
export const isCommonPassword = (password: string) => COMMON.has(password.toLowerCase())
