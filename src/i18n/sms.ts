import type { Language } from './language.js'

type Purpose = 'register' | 'reset_password' | 'login' | 'change_phone' | 'delete_account'

const lifetimeEn = (seconds: number) => seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`
const lifetimeZh = (seconds: number) => seconds % 60 === 0 ? `${seconds / 60} 分钟` : `${seconds} 秒`

const EN: Record<Purpose, string> = {
  register: 'Your Sesame verification code is {code}.',
  reset_password: 'Your Sesame password reset code is {code}.',
  login: 'Your Sesame login code is {code}.',
  change_phone: 'Your Sesame code to move your account to this number is {code}.',
  delete_account: 'Your Sesame code to DELETE your account is {code}.'
}

const ZH: Record<Purpose, string> = {
  register: '【Sesame】您的验证码是 {code}',
  reset_password: '【Sesame】您的密码重置验证码是 {code}',
  login: '【Sesame】您的登录验证码是 {code}',
  change_phone: '【Sesame】您将账号转移到本号码的验证码是 {code}',
  delete_account: '【Sesame】您注销账号的验证码是 {code}'
}

/** The SMS text, in the language of the request that asked for the code. */
export function smsText (code: string, purpose: Purpose, ttlSeconds: number, language: Language = 'en'): string {
  if (language === 'zh-CN') {
    return `${ZH[purpose].replace('{code}', code)}，${lifetimeZh(ttlSeconds)}内有效。${purpose === 'register' ? '' : '如非本人操作，请忽略本短信。'}`
  }
  return `${EN[purpose].replace('{code}', code)} It expires in ${lifetimeEn(ttlSeconds)}.${purpose === 'register' ? '' : ' If you did not ask for it, ignore this message.'}`
}

/** The notice to the old number after a phone change (SPEC §10). It does not name the new number: the old one may already belong to someone else. */
export function phoneChangedText (language: Language = 'en'): string {
  return language === 'zh-CN'
    ? '【Sesame】您的账号已改为绑定另一个手机号，不再使用本号码。如非本人操作，请立即联系我们。'
    : 'Your Sesame account has been moved to another phone number and no longer uses this one. If you did not do this, contact us at once.'
}
