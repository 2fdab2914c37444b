import { plural } from './plural.js';
import type { Table, Value } from './index.js';

type Count = { n: Value };
const PERIOD_ZH: Record<Value, string> = { month: '月份', quarter: '季度', year: '年份' };

/** Strings of the admin HTTP API: the `detail` of its problem responses, and broadcasts. */
export const apiMessages = {
  'api.routeNotFound': { zh: '没有这个接口：{method} {path}。接口列表见 /docs。', en: 'No such endpoint: {method} {path}. See /docs for the list.' },
  'api.malformedBody': { zh: '请求体不是合法的 JSON。', en: 'The request body is not valid JSON.' },
  'api.unsupportedMediaType': {
    zh: '请求体请用 JSON 发送（Content-Type: application/json）。',
    en: 'Send the request body as JSON (Content-Type: application/json).',
  },
  'api.payloadTooLarge': {
    zh: '请求体太大（上限 {kb} KB），请缩短内容后重发。',
    en: 'The request body is too large (at most {kb} KB); shorten it and send it again.',
  },
  'api.tooManyFailures': {
    zh: '这个地址登录失败次数太多，请 {retryAfter} 秒后再试，并检查令牌是否完整、有没有被撤销。',
    en: 'Too many failed sign-ins from this address: try again in {retryAfter} seconds, and check that the token is complete and not revoked.',
  },
  'api.storeBusy': {
    zh: '数据库正被另一个进程占用，这次没有保存任何内容，请 {retryAfter} 秒后重试。',
    en: 'The database is locked by another process and nothing was saved: try again in {retryAfter} seconds.',
  },
  'api.storeFull': {
    zh: '数据库所在的磁盘已满，这次没有保存任何内容。请通知运维人员腾出空间，{retryAfter} 秒后再试。',
    en: "The database's disk is full and nothing was saved: ask the operator to free space, then try again in {retryAfter} seconds.",
  },
  'api.taskNotFound': { zh: '找不到任务 {ref}。', en: 'Task {ref} not found.' },
  'api.rewardNotFound': { zh: '找不到奖品 {ref}。', en: 'Reward {ref} not found.' },
  'api.voucherAlreadyUsed': { zh: '这张{name}已于 {at} 核销，不能重复使用。', en: 'This {name} voucher was already used on {at}; it cannot be used twice.' },
  'api.voucherCancelled': { zh: '这张{name}已于 {at} 退券，不能使用。', en: 'This {name} voucher was cancelled on {at}; it cannot be used.' },
  'api.voucherExpired': { zh: '这张{name}已于 {at} 过期，不能使用。', en: 'This {name} voucher expired on {at}; it cannot be used.' },
  'api.issue.required': { zh: '必填', en: 'Required' },
  'api.issue.type': { zh: '应为{expected}', en: 'Expected {expected}' },
  'api.type.number': { zh: '数字', en: 'a number' },
  'api.type.int': { zh: '整数', en: 'a whole number' },
  'api.type.string': { zh: '字符串', en: 'a string' },
  'api.type.boolean': { zh: 'true 或 false', en: 'true or false' },
  'api.type.array': { zh: '数组', en: 'an array' },
  'api.type.object': { zh: '对象', en: 'an object' },
  'api.issue.minLength': {
    zh: (p: Count) => (Number(p.n) === 1 ? '不能为空' : `至少 ${p.n} 个字符`),
    en: (p: Count) => (Number(p.n) === 1 ? 'Must not be empty' : `At least ${plural(p.n, 'character')}`),
  },
  'api.issue.maxLength': { zh: '最多 {n} 个字符', en: (p: Count) => `At most ${plural(p.n, 'character')}` },
  'api.issue.minItems': { zh: '至少 {n} 项', en: (p: Count) => `At least ${plural(p.n, 'item')}` },
  'api.issue.maxItems': { zh: '最多 {n} 项', en: (p: Count) => `At most ${plural(p.n, 'item')}` },
  'api.issue.atLeast': { zh: '不能小于 {n}', en: 'Must be at least {n}' },
  'api.issue.above': { zh: '须大于 {n}', en: 'Must be greater than {n}' },
  'api.issue.atMost': { zh: '不能大于 {n}', en: 'Must be at most {n}' },
  'api.issue.below': { zh: '须小于 {n}', en: 'Must be less than {n}' },
  'api.issue.datetime': {
    zh: '应为带时区的 ISO 8601 时间，例如 2026-03-01T08:00:00+08:00',
    en: 'Expected an ISO 8601 instant with its zone, e.g. 2026-03-01T08:00:00+08:00',
  },
  'api.issue.format': { zh: '格式不对（应为 {format}）', en: 'Invalid format: expected {format}' },
  'api.issue.oneOf': { zh: '应为以下之一：{values}', en: 'Expected one of: {values}' },
  'api.issue.unknownField': { zh: '没有这个字段，请对照 /docs 检查拼写', en: 'Unknown field; check its spelling against /docs' },
  'api.issue.notZero': { zh: '不能为 0', en: 'Must not be zero' },
  'api.issue.printableAscii': { zh: '只能用可打印的 ASCII 字符，不含空格', en: 'Expected printable ASCII without spaces' },
  'api.issue.id': { zh: '应为十进制正整数，例如 12', en: 'Expected a positive whole number in decimal, such as 12' },
  'api.issue.year': { zh: '年份应在 2000 到 2100 之间', en: 'The year must be between 2000 and 2100' },
  'api.issue.invisible': {
    zh: '须含可见字符（不能只有空白、零宽或方向控制字符）',
    en: 'Must contain visible characters, not only spaces, zero-width or direction marks',
  },
  'api.issue.invalid': { zh: '值不合法', en: 'Invalid value' },
  'api.badCursor': {
    zh: 'cursor 无效：请原样使用上一页返回的 nextCursor。',
    en: 'Invalid cursor: pass the nextCursor of the previous page unchanged.',
  },
  'api.roleRequired': { zh: '需要 {roles} 令牌才能这样做。', en: 'This needs a token with the role {roles}.' },
  'api.outsideScope': {
    zh: '单位 {unitId} 不在这个令牌管辖的范围内。',
    en: 'Unit {unitId} is outside the part of the tree this token acts on.',
  },
  'api.memberOutsideScope': {
    zh: '成员 {id} 不在这个令牌管辖的范围内。',
    en: 'Member {id} is outside the part of the tree this token acts on.',
  },
  'api.wholeTreeOnly': {
    zh: '只有管辖整棵组织树的管理员令牌可以这样做。',
    en: 'Only an admin token for the whole tree can do that.',
  },
  'api.roleNotGrantable': {
    zh: '{tokenRole} 令牌不能授予或撤销「{role}」角色。',
    en: 'A {tokenRole} token cannot grant or revoke the {role} role.',
  },
  'api.otherMerchantVoucher': {
    zh: '这张券不是这个商户令牌所属商户的。',
    en: "This voucher is not for this merchant token's merchant.",
  },
  'api.memberMerged': {
    zh: '成员 {id} 已合并到成员 {into}，请对成员 {into} 操作。',
    en: 'Member {id} was merged into member {into}: act on member {into} instead.',
  },
  'api.merchantOwnStatement': {
    zh: '商户令牌只能查看本商户的结算账户：GET /members/{id}/ledger?account=merchant。',
    en: "A merchant token reads only its own merchant's settlement account: GET /members/{id}/ledger?account=merchant.",
  },
  'api.otherMerchantReward': {
    zh: '{ref} 不是这个商户令牌所属商户的奖品。',
    en: "{ref} is not a reward of this merchant token's merchant.",
  },
  'api.unitRequired': {
    zh: '这个令牌管辖整棵组织树，请用 unitId 指明单位。',
    en: 'This token acts on the whole tree: name the unit with unitId.',
  },
  'api.badRange': { zh: 'from 须早于 to。', en: 'from must be before to.' },
  'api.memberBeyondToken': {
    zh: '成员 {id} 担任的角色超出这个令牌的权限（其他单位或更高的角色），请用上级管理员的令牌。',
    en: 'Member {id} holds roles beyond this token (elsewhere, or above it); use an admin token higher up.',
  },
  'api.merchantOutsideScope': {
    zh: '商户 {id} 不在这个令牌管辖的范围内经营，不能为它生成令牌。',
    en: "Merchant {id} does not trade within this token's part of the tree; it cannot make a token for them.",
  },
  'api.merchantRoleLapsed': {
    zh: '这个商户令牌的商户（成员 {id}）在令牌所属单位已不再担任商户角色，令牌暂不可用。请重新授予商户角色，或撤销这个令牌。',
    en: "This merchant token's merchant (member {id}) no longer holds the merchant role in the token's unit, so the token cannot be used. Grant the role again, or revoke the token.",
  },
  'api.badPeriod': {
    zh: (p: { given: Value; kind: Value }) =>
      `期间「${p.given}」不是${PERIOD_ZH[p.kind] ?? p.kind}：月份写作 2026-03，季度写作 2026-Q1，年份写作 2026（2000 至 2100 年之间）。`,
    en: 'Period "{given}" is not a {kind}: write a month as 2026-03, a quarter as 2026-Q1, a year as 2026 (2000 to 2100).',
  },
  'api.ownRootUnit': {
    zh: '单位 {unitId} 是这个令牌管辖范围的起点，它的名称、类型、积分标准和位置只能由上级单位的令牌修改。',
    en: "Unit {unitId} is where this token's reach begins: its name, kind, points rate and place are changed by a token of a unit above it.",
  },
  'api.nothingToChange': { zh: '请求里没有要修改的字段。', en: 'The request changes nothing: send at least one field.' },
  'api.roomUnitRequired': {
    zh: '这个群还没有绑定，请同时给出 unitId。',
    en: 'This group is not bound yet: give a unitId too.',
  },
  'api.idempotencyMismatch': {
    zh: 'Idempotency-Key「{key}」已用于另一个请求（{method} {path}）。新请求请换一个新的 key。',
    en: 'Idempotency-Key "{key}" was already used for another request ({method} {path}). Use a new key for a new request.',
  },
  'api.jobRunning': { zh: '定时任务 {name} 正在运行，请稍后再试。', en: 'Job {name} is running right now; try again shortly.' },
  'api.jobAlreadyRan': { zh: '定时任务 {name} 刚刚已经运行过。', en: 'Job {name} has just run for this time.' },
  'token.notFound': { zh: '找不到令牌 {id}。', en: 'Token {id} not found.' },
  'token.labelRequired': { zh: '令牌需要一个说明（label），比如「社区办公室」。', en: 'A token needs a label, such as "community office".' },
  'token.merchantRequired': { zh: '商户令牌需要 merchantId（商户成员的 id）。', en: "A merchant token needs a merchantId (the merchant member's id)." },
  'token.merchantOnlyForMerchant': { zh: '只有商户令牌才能带 merchantId。', en: 'Only a merchant token takes a merchantId.' },
  'token.notAMerchant': {
    zh: '{name} 在这个单位及其下级单位都没有商户角色，请先授予 merchant 角色。',
    en: '{name} holds no merchant role in this unit or below it; grant the merchant role first.',
  },
  'broadcast.textRequired': { zh: '广播内容不能为空。', en: 'A broadcast needs some text.' },
  'broadcast.tooLong': { zh: '广播内容不能超过 {max} 个字。', en: 'A broadcast can be at most {max} characters.' },
  'broadcast.message': { zh: '📢 {unit}通知\n{text}', en: '📢 Notice from {unit}\n{text}' },
} as const satisfies Table;
