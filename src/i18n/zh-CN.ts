import type { ErrorName } from '../http/errors.js'

/** Simplified Chinese for every entry of the error table (src/http/errors.ts), keyed by error name. */
export const ERROR_MESSAGES_ZH: Record<ErrorName, string> = {
  validation_failed: '请求无效',
  invalid_json: '请求体不是有效的 JSON',
  payload_too_large: '请求体超过 16 KiB',
  unsupported_media_type: '请求体必须是 JSON（Content-Type: application/json）',
  not_found: '未找到',
  method_not_allowed: '此处不允许使用该请求方法',
  invalid_credentials: '手机号或密码错误',
  phone_taken: '该手机号已注册',
  token_required: '需要令牌：请放在 token 请求头中，或使用 Authorization: Bearer',
  token_invalid: '令牌无效，请重新登录',
  wrong_password: '当前密码错误',
  rate_limited: '尝试次数过多，请稍后再试',
  sms_code_invalid: '短信验证码错误、已过期或已使用，请重新获取',
  service_unavailable: '服务暂时不可用，请稍后重试',
  internal_error: '服务器内部错误',
  request_timeout: '请求未能及时送达',
  password_too_common: '该密码过于常见或已出现在数据泄露中，请换一个',
  sms_not_allowed: '无法向该国家或地区发送短信验证码',
  challenge_failed: '未通过验证，请重试',
  second_factor_required: '请输入身份验证器应用中的验证码',
  second_factor_invalid: '两步验证码错误或已过期',
  account_banned: '该账号已被停用',
  service_key_invalid: '需要有效的服务密钥'
}

/**
 * Simplified Chinese for every other English `message` the API sends, keyed by the English text:
 * success messages of the routes and failures whose message is more specific than the table's.
 * A route that sends a new literal message adds it here (test/i18n.test.ts checks every route file).
 */
export const MESSAGES_ZH: Record<string, string> = {
  ok: '成功',
  ready: '就绪',
  'Sesame token auth': 'Sesame 令牌认证',
  'register successful': '注册成功',
  'logon successful': '登录成功',
  'logout successful': '已退出登录',
  'all sessions ended': '所有会话已结束',
  'session ended': '会话已结束',
  'nothing to change': '没有需要修改的内容',
  'user updated': '用户信息已更新',
  'password changed': '密码已修改',
  'password reset; log in with the new password': '密码已重置，请使用新密码登录',
  'if the number can receive it, a code is on its way': '如果该号码可以接收短信，验证码正在发送中',
  'a dependency is not answering': '依赖的服务没有响应',
  'shutting down': '服务正在关闭',
  'the client closed the connection before the request was complete': '请求完成前客户端已关闭连接',
  'the server is overloaded, please retry': '服务器繁忙，请稍后重试',
  'the SMS could not be sent, please retry': '短信发送失败，请重试',
  'a path parameter is too long': '路径参数过长',
  'user banned': '用户已被封禁',
  'user unbanned': '用户已解除封禁',
  'account deleted': '账号已注销',
  'phone number changed': '手机号已更换',
  'body/new_phone_number is already the number of this account': '新手机号与当前账号的手机号相同',
  'scan the otpauth URL, then send a code to /user/2fa/enable': '请扫描 otpauth 链接，然后把验证码发送到 /user/2fa/enable',
  'two-factor login is on; keep the recovery codes somewhere safe': '两步验证已开启，请妥善保存恢复码',
  'two-factor login is off': '两步验证已关闭',
  'token is not active': '令牌无效',
  'token is active': '令牌有效',
  'no such session': '没有这个会话',
  'no such user': '没有这个用户',
  'no user has this phone number': '没有使用此手机号的用户'
}
