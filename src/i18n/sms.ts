import type { Language } from './language.js'

type Purpose = 'register' | 'reset_password'

const lifetimeEn = (seconds: number) => seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`
const lifetimeZh = (seconds: number) => seconds % 60 === 0 ? `${seconds / 60} 分钟` : `${seconds} 秒`

/** The SMS text, in the language of the request that asked for the code. */
export function smsText (code: string, purpose: Purpose, ttlSeconds: number, language: Language = 'en'): string {
  if (language === 'zh-CN') {
    return purpose === 'register'
      ? `【Sesame】您的验证码是 ${code}，${lifetimeZh(ttlSeconds)}内有效。`
      : `【Sesame】您的密码重置验证码是 ${code}，${lifetimeZh(ttlSeconds)}内有效。如非本人操作，请忽略本短信。`
  }
  return purpose === 'register'
    ? `Your Sesame verification code is ${code}. It expires in ${lifetimeEn(ttlSeconds)}.`
    : `Your Sesame password reset code is ${code}. It expires in ${lifetimeEn(ttlSeconds)}. If you did not ask for it, ignore this message.`
}
