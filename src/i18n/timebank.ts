import type { Table, Value } from './index.js';
import { plural } from './plural.js';

/** "1 point", "30 points". */
const points = (n: Value) => plural(n, 'point');

/** Strings of the time-bank and the points supermarket: wishes, tasks, hours, points, vouchers. */
export const timebankMessages = {
  // help lines
  'help.wish': { zh: '心愿 <内容> — 发布微心愿，志愿者认领后上门帮忙', en: '/wish <text> — post a micro-wish for a volunteer to claim' },
  'help.onbehalf': {
    zh: '代 <姓名> 心愿 <内容> — 替居民发布心愿（工作人员；也可「心愿 @姓名 内容」）',
    en: '/for <name> wish <text> — post a wish for a resident (staff; or "/wish @name text")',
  },
  'help.tasks': { zh: '任务 — 本网格和上级的待认领心愿与任务', en: '/tasks — open wishes and tasks here and above' },
  'help.claim': { zh: '认领 W1 — 认领心愿或任务', en: '/claim W1 — claim a wish or task' },
  'help.unclaim': { zh: '放弃认领 W1 — 还没开始服务时退出认领', en: '/unclaim W1 — give a claim back before serving' },
  'help.done': { zh: '完成 W1 2小时 — 服务完成，报告时长', en: '/done W1 2h — report the time you served' },
  'help.confirm': { zh: '确认 W1 — 确认志愿者的服务时长，积分随即到账', en: '/confirm W1 — confirm the hours; the volunteer is credited' },
  'help.dispute': { zh: '不确认 W1 <原因> — 对时长有异议，交工作人员裁定', en: '/dispute W1 <reason> — disagree with the hours; staff decide' },
  'help.rule': { zh: '裁定 W1 [姓名] <时长> — 工作人员裁定时长', en: '/rule W1 [name] <hours> — staff decide the hours' },
  'help.posttask': {
    zh: '发布任务 [3人] <内容> — 发布需要多名志愿者的任务（工作人员）',
    en: '/posttask [3] <text> — post a task for several volunteers (staff)',
  },
  'help.points': { zh: '积分 — 我的积分、服务时长和最近记录', en: '/points — your points, hours and latest entries' },
  'help.top': { zh: '排行 — 本月社区志愿服务时长排行', en: "/top — this month's top volunteers of the community" },
  'help.shop': { zh: '商城 — 积分超市：可兑换的券', en: '/shop — the points supermarket' },
  'help.redeem': { zh: '兑换 G1 — 用积分兑换券，券码私聊发给你', en: '/redeem G1 — buy a voucher; the code comes privately' },
  'help.vouchers': { zh: '我的券 — 我的券和状态', en: '/vouchers — your vouchers and their state' },
  'help.refund': { zh: '退券 <券码> — 未使用的券退回积分', en: '/refund <code> — cancel an unused voucher for your points back' },
  'help.verify': { zh: '核销 <券码> — 商户核销券', en: '/verify <code> — use a voucher at your shop (merchants)' },

  // usage
  'wish.usage': { zh: '心愿 <内容>，例如：心愿 想请人帮忙买菜', en: '/wish <text>, e.g. /wish someone to help me buy groceries' },
  'onbehalf.usage': { zh: '代 <姓名> 心愿 <内容>，例如：代 王阿姨 心愿 换灯泡', en: '/for <name> wish <text>, e.g. /for 王阿姨 wish change a light bulb' },
  'claim.usage': { zh: '认领 W1', en: '/claim W1' },
  'unclaim.usage': { zh: '放弃认领 W1', en: '/unclaim W1' },
  'done.usage': {
    zh: '完成 W1 <时长>，例如：完成 W1 2小时、1.5h、90分钟、半小时',
    en: '/done W1 <time>, e.g. /done W1 2h, 1.5h, 90min',
  },
  'confirm.usage': { zh: '确认 W1 [志愿者姓名] [时长]', en: '/confirm W1 [volunteer name] [hours]' },
  'dispute.usage': { zh: '不确认 W1 <原因>', en: '/dispute W1 <reason>' },
  'rule.usage': {
    zh: '裁定 W1 [志愿者姓名] <时长>，例如：裁定 W1 1.5小时（0 表示不计时长）',
    en: '/rule W1 [name] <hours>, e.g. /rule W1 1.5h (0 credits nothing)',
  },
  'posttask.usage': { zh: '发布任务 [人数] <内容>，例如：发布任务 3人 周五夜间巡逻', en: '/posttask [slots] <text>, e.g. /posttask 3 Friday night patrol' },
  'redeem.usage': { zh: '兑换 G1（发送「商城」查看编号）', en: '/redeem G1 (send /shop for the numbers)' },
  'refund.usage': { zh: '退券 <券码>（发送「我的券」查看券码）', en: '/refund <code> (send /vouchers for your codes)' },
  'verify.usage': { zh: '核销 <券码>', en: '/verify <code>' },

  // task cards and lists
  'task.card.wish': { zh: '🙏 微心愿 {ref} · {unit}', en: '🙏 Wish {ref} · {unit}' },
  'task.card.task': { zh: '📋 志愿任务 {ref} · {unit}', en: '📋 Volunteer task {ref} · {unit}' },
  'task.card.body': { zh: '{who}：{title}', en: '{who}: {title}' },
  'task.card.open': { zh: '名额：还差 {left} 人（共 {slots} 人）', en: 'Slots: {left} of {slots} left' },
  'task.card.full': {
    zh: '名额已满（{slots} 人）',
    en: (p: { slots: Value }) => (Number(p.slots) === 1 ? 'The one slot is taken' : `All ${p.slots} slots taken`),
  },
  'task.card.done': { zh: '✅ 已完成', en: '✅ Done' },
  'task.card.claimers': { zh: '已认领：{names}', en: 'Claimed by: {names}' },
  'task.card.howTo': { zh: '发送「{cmd} {ref}」认领。', en: 'Send "{cmd} {ref}" to claim it.' },
  'task.button.claim': { zh: '认领', en: 'Claim' },
  'task.button.confirm': { zh: '确认', en: 'Confirm' },
  'tasks.header': { zh: '📋 待认领的心愿和任务：', en: '📋 Open wishes and tasks:' },
  'tasks.line': { zh: '· {ref} {kind} {title}（{unit}，还差 {left} 人）', en: '· {ref} {kind} {title} ({unit}, {left} left)' },
  'tasks.kind.wish': { zh: '[心愿]', en: '[wish]' },
  'tasks.kind.task': { zh: '[任务]', en: '[task]' },
  'tasks.footer': { zh: '发送「认领 W编号」认领。', en: 'Send "/claim W<number>" to claim one.' },
  'tasks.none': { zh: '现在没有待认领的心愿或任务。发送「心愿 内容」发布一个。', en: 'Nothing open right now. Send "/wish <text>" to post one.' },

  // posting
  'wish.posted': { zh: '✅ 心愿 {ref} 已发布到「{unit}」的居民群：{title}', en: '✅ Wish {ref} posted to the residents of {unit}: {title}' },
  'posttask.posted': { zh: '✅ 任务 {ref} 已发布到「{unit}」的居民群：{title}', en: '✅ Task {ref} posted to the residents of {unit}: {title}' },
  'wish.notify.postedForYou': {
    zh: '工作人员替你发布了心愿 {ref}：{title}。有志愿者认领时会告诉你。',
    en: 'Staff posted wish {ref} for you: {title}. You will hear when a volunteer claims it.',
  },
  'wish.whoFor': { zh: '请说明这个心愿是替谁发布的。', en: 'Say whom this wish is for.' },
  'wish.onBehalfStaffOnly': { zh: '只有工作人员可以替他人发布心愿。', en: 'Only staff can post a wish for someone else.' },
  'wish.requesterNotHere': { zh: '{name} 不在「{unit}」，不能在这里替 TA 发布心愿。', en: '{name} is not in {unit}; a wish for them cannot be posted here.' },
  'task.titleRequired': { zh: '请写上内容。', en: 'Please say what it is about.' },
  'task.titleTooLong': { zh: '内容太长了，请控制在 {max} 字以内。', en: 'That is too long; keep it under {max} characters.' },
  'task.badSlots': { zh: '人数须在 1 到 {max} 之间。', en: 'Slots must be between 1 and {max}.' },
  'task.badCap': { zh: '时长上限须在 1 分钟到 24 小时之间。', en: 'The hours cap must be between 1 minute and 24 hours.' },
  'task.memberOnly': { zh: '只有成员本人可以这样做。', en: 'Only a member can do that, in person.' },
  'task.notFound': { zh: '找不到 {ref}。发送「任务」查看待认领的心愿和任务。', en: 'There is no {ref}. Send /tasks for the open ones.' },

  // claiming
  'claim.done': {
    zh: '✅ {name} 认领了 {ref}（{title}）。服务完成后发送「完成 {ref} 时长」，例如「完成 {ref} 2小时」。',
    en: '✅ {name} claimed {ref} ({title}). When done, send "/done {ref} <time>", e.g. "/done {ref} 2h".',
  },
  'claim.closed': { zh: '{ref} 已经完成了，不能再认领。', en: '{ref} is already done.' },
  'claim.ownWish': { zh: '不能认领自己的心愿 {ref}。', en: 'You cannot claim your own wish {ref}.' },
  'claim.notHere': { zh: '{ref} 属于「{unit}」，你不在这个范围内，不能认领。', en: '{ref} belongs to {unit}, which you are not part of.' },
  'claim.already': { zh: '你已经认领了 {ref}。', en: 'You have already claimed {ref}.' },
  'claim.full': {
    zh: '{ref} 的 {slots} 个名额已经满了，看看别的吧：发送「任务」。',
    en: (p: { slots: Value; ref: Value }) =>
      `${Number(p.slots) === 1 ? `The one slot of ${p.ref} is` : `All ${p.slots} slots of ${p.ref} are`} taken; send /tasks for others.`,
  },
  'claim.notify.requester': {
    zh: '🤝 {name} 认领了你的心愿 {ref}（{title}），会和你联系。',
    en: '🤝 {name} claimed your wish {ref} ({title}) and will be in touch.',
  },
  'unclaim.done': { zh: '已放弃认领 {ref}，名额让给其他志愿者。', en: 'You gave {ref} back; the slot is open again.' },
  'withdraw.reported': { zh: '你已经报告了 {ref} 的时长，不能再放弃。', en: 'You already reported time for {ref}; it cannot be given back now.' },
  'withdraw.notify.requester': { zh: '{name} 放弃了认领你的心愿 {ref}，等待其他志愿者认领。', en: '{name} gave back your wish {ref}; it is open for others.' },
  'task.notClaimed': { zh: '你还没有认领 {ref}。先发送「认领 {ref}」。', en: 'You have not claimed {ref}. Send "/claim {ref}" first.' },

  // reporting hours
  'complete.badDuration': {
    zh: '看不懂时长「{text}」。请写成 2小时、1.5h、90分钟 或 半小时。',
    en: 'I cannot read "{text}" as a time. Write it like 2h, 1.5h, 90min or 30min.',
  },
  'complete.badHours': { zh: '一次报告的时长须在 1 分钟到 {max} 小时之间。', en: 'One report must be between 1 minute and {max} hours.' },
  'complete.settled': {
    zh: '{ref} 的时长已经处理过了，不能再改。有疑问请联系网格员。',
    en: 'The time for {ref} has been settled and cannot be changed; ask your grid worker.',
  },
  'done.reported': {
    zh: '📝 已记录 {ref} 服务 {hours}，等待 {requester} 确认，确认后可得 {points} 积分。',
    en: (p: { ref: Value; hours: Value; requester: Value; points: Value }) =>
      `📝 Recorded ${p.hours} for ${p.ref}. Waiting for ${p.requester} to confirm; you will get ${points(p.points)}.`,
  },
  'done.staffTask': {
    zh: '📝 已记录 {ref} 服务 {hours}，等待工作人员确认，确认后可得 {points} 积分。',
    en: (p: { ref: Value; hours: Value; points: Value }) =>
      `📝 Recorded ${p.hours} for ${p.ref}. Waiting for staff to confirm; you will get ${points(p.points)}.`,
  },
  'done.overCap': {
    zh: '📝 已记录 {ref} 服务 {hours}。超过单次 {cap} 的上限，需要工作人员确认，已通知他们。',
    en: '📝 Recorded {hours} for {ref}. That is above the {cap} cap, so staff must confirm; they have been told.',
  },
  'done.corrected': { zh: '（已更正之前报告的时长）', en: '(Your earlier report was corrected.) ' },
  'complete.notify.requester': {
    zh: '⏱ {name} 报告为你的心愿 {ref}（{title}）服务了 {hours}。\n属实请发送「确认 {ref}」；有异议请发送「不确认 {ref} 原因」。',
    en: '⏱ {name} reports {hours} serving your wish {ref} ({title}).\nSend "/confirm {ref}" if that is right, or "/dispute {ref} <reason>".',
  },
  'complete.notify.requesterOverCap': {
    zh: '⏱ {name} 报告为你的心愿 {ref}（{title}）服务了 {hours}，超过单次上限，由工作人员确认。有异议请发送「不确认 {ref} 原因」。',
    en: '⏱ {name} reports {hours} serving your wish {ref} ({title}); above the cap, so staff will confirm. Disagree? Send "/dispute {ref} <reason>".',
  },
  'complete.notify.staff': {
    zh: '⏱ {name} 报告任务 {ref}（{title}）服务 {hours}，请确认：「确认 {ref} {name}」或「裁定 {ref} {name} 时长」。',
    en: '⏱ {name} reports {hours} on task {ref} ({title}). Confirm with "/confirm {ref} {name}" or "/rule {ref} {name} <hours>".',
  },
  'complete.notify.staffForRequester': {
    zh: '⏱ {name} 报告为 {requester} 的心愿 {ref}（{title}）服务了 {hours}。我联系不上 {requester}（没有私聊，群里也@不到），请核实后代为确认：「确认 {ref}」。',
    en: '⏱ {name} reports {hours} on {requester}\'s wish {ref} ({title}). I cannot reach {requester} (no private chat, and not in the group): check and confirm for them with "/confirm {ref}".',
  },
  'complete.notify.staffOverCap': {
    zh: '⚠️ {name} 报告 {ref}（{title}）服务 {hours}，超过单次 {cap} 上限，需工作人员确认：「确认 {ref} {name}」或「裁定 {ref} {name} 时长」。',
    en: '⚠️ {name} reports {hours} on {ref} ({title}), above the {cap} cap; staff must confirm: "/confirm {ref} {name}" or "/rule {ref} {name} <hours>".',
  },

  // confirming, disputing, ruling
  'confirm.done': { zh: '✅ 已确认 {ref}：', en: '✅ Confirmed {ref}:' },
  'confirm.line': {
    zh: '· {name} {hours}，+{points} 积分',
    en: (p: { name: Value; hours: Value; points: Value }) => `· ${p.name} ${p.hours}, +${points(p.points)}`,
  },
  'confirm.notYourself': {
    zh: '不能确认自己的服务时长（{ref}），请由被服务的人或工作人员确认。',
    en: 'You cannot confirm your own time on {ref}; the person served or staff must.',
  },
  'confirm.notYours': { zh: '只有被服务的居民或负责的工作人员可以确认 {ref}。', en: 'Only the person served or the responsible staff can confirm {ref}.' },
  'confirm.overCap': {
    zh: '{ref} 报告的时长超过 {cap} 小时，需要工作人员确认。',
    en: 'The time reported on {ref} is above {cap} hours; staff must confirm it.',
  },
  'confirm.already': { zh: '{ref} 的时长已经确认过了。', en: 'The time on {ref} is already confirmed.' },
  'confirm.disputed': { zh: '{ref} 的时长有异议，等待工作人员裁定。', en: 'The time on {ref} is disputed and waits for staff to rule.' },
  'confirm.lapsed': { zh: '{ref} 的时长超过7天未确认已失效，请工作人员裁定。', en: 'The time on {ref} lapsed after 7 days unconfirmed; staff can rule on it.' },
  'confirm.changed': {
    zh: '{name} 报告的 {ref} 时长现在是 {hours}，不是 {seen}，这次没有确认。属实请发送「确认 {ref} {hours}」；有异议请发送「不确认 {ref} 原因」。',
    en: 'The time {name} reports on {ref} is now {hours}, not {seen}; nothing was confirmed. If {hours} is right, send "/confirm {ref} {hours}", or "/dispute {ref} <reason>".',
  },
  'confirm.unseen': {
    zh: '{name} 报告为 {ref} 服务了 {hours}。属实请发送「确认 {ref} {hours}」；有异议请发送「不确认 {ref} 原因」。',
    en: '{name} reports {hours} on {ref}. If that is right, send "/confirm {ref} {hours}", or "/dispute {ref} <reason>".',
  },
  'confirm.nothing': {
    zh: '{ref} 还没有待确认的时长。志愿者服务后发送「完成 {ref} 时长」。',
    en: 'Nothing to confirm on {ref} yet; the volunteer sends "/done {ref} <time>" first.',
  },
  'confirm.notify.volunteer': {
    zh: '🎉 {ref}（{title}）的服务 {hours} 已确认，获得 {points} 积分。发送「积分」查看。',
    en: (p: { ref: Value; title: Value; hours: Value; points: Value }) =>
      `🎉 Your ${p.hours} on ${p.ref} (${p.title}) is confirmed: ${points(p.points)}. Send /points to see them.`,
  },
  'task.noSuchVolunteer': { zh: '{ref} 没有 {name} 报告的时长。', en: 'No time was reported on {ref} by {name}.' },
  'task.whichVolunteer': { zh: '{ref} 有多位志愿者：{names}。请写上姓名。', en: '{ref} has several volunteers: {names}. Add the name.' },
  'dispute.done': {
    zh: '已记下你对 {ref}（{name}）时长的异议，工作人员会裁定。',
    en: 'Your objection to the time on {ref} ({name}) is noted; staff will rule.',
  },
  'dispute.reasonRequired': { zh: '请写上原因。', en: 'Please give a reason.' },
  'dispute.requesterOnly': { zh: '只有被服务的居民可以对 {ref} 提出异议。', en: 'Only the person served can dispute {ref}.' },
  'dispute.nothing': { zh: '{ref} 没有待确认的时长可以提出异议。', en: 'There is no unconfirmed time on {ref} to dispute.' },
  'dispute.notify.staff': {
    zh: '⚖️ {requester} 对 {ref}（{title}）中 {name} 报告的 {hours} 有异议：{reason}\n请裁定：「裁定 {ref} {name} 时长」。',
    en: '⚖️ {requester} disputes the {hours} {name} reported on {ref} ({title}): {reason}\nRule with "/rule {ref} {name} <hours>".',
  },
  'dispute.notify.volunteer': {
    zh: '{requester} 对你在 {ref} 报告的时长有异议（{reason}），工作人员会裁定。',
    en: '{requester} disputes the time you reported on {ref} ({reason}); staff will rule.',
  },
  'rule.done': {
    zh: '⚖️ 已裁定 {ref}：{name} {hours}，{points} 积分。',
    en: (p: { ref: Value; name: Value; hours: Value; points: Value }) => `⚖️ Ruled on ${p.ref}: ${p.name} ${p.hours}, ${points(p.points)}.`,
  },
  'rule.nothing': { zh: '{ref} 没有待裁定的时长。', en: 'There is no time on {ref} to rule on.' },
  'rule.notify.volunteer': {
    zh: '⚖️ 工作人员裁定你在 {ref}（{title}）的服务时长为 {hours}，获得 {points} 积分。',
    en: (p: { ref: Value; title: Value; hours: Value; points: Value }) =>
      `⚖️ Staff ruled your time on ${p.ref} (${p.title}) at ${p.hours}: ${points(p.points)}.`,
  },
  'rule.notify.requester': { zh: '⚖️ 工作人员已裁定 {ref} 中 {name} 的服务时长为 {hours}。', en: "⚖️ Staff ruled {name}'s time on {ref} at {hours}." },
  'lapse.notify.volunteer': {
    zh: '⌛ 你在 {ref}（{title}）报告的 {hours} 超过7天无人确认，已失效。如有疑问请联系网格员裁定。',
    en: '⌛ The {hours} you reported on {ref} ({title}) went unconfirmed for 7 days and lapsed. Ask your grid worker to rule on it.',
  },
  'lapse.notify.staff': {
    zh: '⌛ {name} 在 {ref}（{title}）报告的 {hours} 超过7天无人确认，已失效。如属实请裁定：「裁定 {ref} {name} 时长」。',
    en: '⌛ {name}\'s {hours} on {ref} ({title}) lapsed after 7 days unconfirmed. If it is right, rule: "/rule {ref} {name} <hours>".',
  },

  // points
  'points.header': { zh: '💰 {name} 的积分：{points}', en: (p: { name: Value; points: Value }) => `💰 ${p.name}: ${points(p.points)}` },
  'points.hours': { zh: '服务时长：帮助他人 {given} · 接受帮助 {received}', en: 'Hours: given {given} · received {received}' },
  'points.merchant': { zh: '商户结算账户：{points} 积分', en: (p: { points: Value }) => `Merchant settlement account: ${points(p.points)}` },
  'points.recent': { zh: '最近记录：', en: 'Latest entries:' },
  'points.none': {
    zh: '还没有积分记录。认领心愿、服务他人就能获得积分（发送「任务」）。',
    en: 'No entries yet. Serve a neighbour to earn points (send /tasks).',
  },
  'points.line': { zh: '· {at} {amount} {reason} {memo}', en: '· {at} {amount} {reason} {memo}' },
  'points.sentPrivately': { zh: '你的积分和最近记录已私聊发给你。', en: 'Your points and latest entries were sent to you privately.' },
  'points.openPrivate': {
    zh: '积分记录只能私聊查看：{hint}\n然后在私聊里发送「积分」。',
    en: 'Your entries are shown only in a private chat: {hint}\nThen send /points there.',
  },
  'ledger.reason.task': { zh: '志愿服务', en: 'service' },
  'ledger.reason.redeem': { zh: '兑换', en: 'redeemed' },
  'ledger.reason.use': { zh: '核销', en: 'used' },
  'ledger.reason.refund': { zh: '退券', en: 'refund' },
  'ledger.reason.expire': { zh: '券过期退回', en: 'expired voucher' },
  'ledger.reason.adjust': { zh: '调整', en: 'adjustment' },
  'ledger.reason.reversal': { zh: '冲正', en: 'reversal' },
  'ledger.reason.merge': { zh: '账号合并', en: 'accounts merged' },
  'top.header': { zh: '🏅 {unit} {year}年{month}月志愿服务排行', en: '🏅 Top volunteers of {unit}, {year}-{month}' },
  'top.line': {
    zh: '{rank} {name} {hours} · {points} 积分',
    en: (p: { rank: Value; name: Value; hours: Value; points: Value }) => `${p.rank} ${p.name} ${p.hours} · ${points(p.points)}`,
  },
  'top.none': { zh: '本月还没有确认的志愿服务。', en: 'No confirmed service this month yet.' },

  // ledger errors
  'ledger.badKey': { zh: '幂等键不能为空，且不超过200个字符。', en: 'An idempotency key must be 1 to 200 characters.' },
  'ledger.unbalanced': { zh: '账目不平（合计 {sum}），未记账。', en: 'The legs do not balance (sum {sum}); nothing was posted.' },
  'ledger.badAmount': { zh: '积分数 {amount} 无效：须为非零整数。', en: 'Invalid amount {amount}: it must be a whole number other than zero.' },
  'ledger.insufficient': { zh: '积分不足，还差 {missing} 分。', en: 'Not enough points: {missing} short.' },
  'ledger.keyReused': { zh: '这个请求编号（{key}）已用于另一笔不同的操作。', en: 'This idempotency key ({key}) was already used for a different operation.' },
  'ledger.reasonRequired': { zh: '请写明原因。', en: 'A reason is required.' },
  'ledger.transactionNotFound': { zh: '找不到账目 {id}。', en: 'Ledger transaction {id} not found.' },
  'ledger.notReversible': {
    zh: '账目 {id} 不是调整，不能冲正；券请退券，服务积分请用调整。',
    en: 'Transaction {id} is not an adjustment; refund vouchers, and correct service points with an adjustment.',
  },
  'ledger.alreadyReversed': { zh: '账目 {id} 已由 {by} 冲正过。', en: 'Transaction {id} was already reversed by {by}.' },
  'ledger.notForYourself': { zh: '不能给自己调整积分。', en: 'You cannot adjust your own points.' },
  'ledger.notInUnit': { zh: '{name} 不属于「{unit}」，不能从这里调整。', en: '{name} is not part of {unit}; adjust from their own unit.' },
  'member.ambiguousName': {
    zh: '有 {count} 位叫「{name}」的成员，请写全名或在 TA 所在的群里操作。',
    en: '{count} members are called "{name}"; use the full name or do it in their own group.',
  },

  // shop and vouchers
  'reward.merchantHasVouchers': {
    zh: '{ref} 还有 {count} 张券未使用，它们要在原商户核销；请等它们用完或过期再换商户，或新建一个奖品。',
    en: (p: { ref: Value; count: Value }) =>
      `${p.ref} still has ${plural(p.count, 'unused voucher')}, to be used at the shop they were sold for; change the merchant once they are used or expire, or create a new reward.`,
  },
  'shop.header': { zh: '🛒 积分超市（你的积分：{points}）', en: (p: { points: Value }) => `🛒 Points supermarket (you have ${points(p.points)})` },
  'shop.headerGroup': { zh: '🛒 积分超市（发送「积分」查看自己的积分）', en: '🛒 Points supermarket (send /points for your balance)' },
  'shop.line': {
    zh: '{ref} {name} · {cost} 积分 · 剩 {stock} 张 · {merchant}',
    en: (p: { ref: Value; name: Value; cost: Value; stock: Value; merchant: Value }) =>
      `${p.ref} ${p.name} · ${points(p.cost)} · ${p.stock} left · ${p.merchant}`,
  },
  'shop.lineSoldOut': {
    zh: '{ref} {name} · {cost} 积分 · 已兑完 · {merchant}',
    en: (p: { ref: Value; name: Value; cost: Value; merchant: Value }) => `${p.ref} ${p.name} · ${points(p.cost)} · sold out · ${p.merchant}`,
  },
  'shop.footer': { zh: '发送「兑换 G编号」兑换，券码私聊发给你。', en: 'Send "/redeem G<number>"; the code comes to you privately.' },
  'shop.button': { zh: '兑换 {name}（{cost}分）', en: 'Redeem {name} ({cost})' },
  'shop.none': { zh: '积分超市暂时没有可兑换的券。', en: 'The points supermarket has nothing on offer right now.' },
  'reward.notFound': { zh: '找不到 {ref}。发送「商城」查看可兑换的券。', en: 'There is no {ref}. Send /shop for what is on offer.' },
  'reward.archived': { zh: '{name}（{ref}）已下架。', en: '{name} ({ref}) is no longer offered.' },
  'reward.archivedRestock': {
    zh: '{name}（{ref}）已下架，不能补货；请先重新上架。已有库存仍可核减。',
    en: '{name} ({ref}) is archived, so stock cannot be added; put it back on offer first. Its stock can still be written off.',
  },
  'reward.badName': { zh: '名称不能为空，且不超过100字。', en: 'A name of 1 to 100 characters is required.' },
  'reward.badCost': { zh: '所需积分须为正整数。', en: 'The points cost must be a whole number above zero.' },
  'reward.badValidDays': { zh: '有效天数须为 1 到 3660 之间的整数。', en: 'Valid days must be a whole number from 1 to 3660.' },
  'reward.badLimit': { zh: '每月限兑须为正整数，或留空表示不限。', en: 'The monthly limit must be a whole number above zero, or empty for none.' },
  'reward.badStock': { zh: '库存须为 0 到 {max} 之间的整数。', en: 'Stock must be a whole number from 0 to {max}.' },
  'reward.badQuantity': { zh: '数量须为非零整数，绝对值不超过 {max}。', en: 'The quantity must be a whole number other than zero, at most {max} either way.' },
  'reward.writeOffTooMany': { zh: '{name} 只剩 {stock} 张，不能减少更多。', en: 'Only {stock} of {name} are in stock; cannot write off more.' },
  'reward.notAMerchant': { zh: '{name} 不是商户，请先授予商户角色。', en: '{name} is not a merchant; grant the merchant role first.' },
  'redeem.memberOnly': { zh: '只有成员本人可以兑换。', en: 'Only a member can redeem, for themself.' },
  'redeem.notHere': { zh: '{name}（{ref}）只面向「{unit}」的居民。', en: '{name} ({ref}) is only for members of {unit}.' },
  'redeem.outOfStock': { zh: '{name}（{ref}）已经兑完了，请等补货或选择别的券。', en: '{name} ({ref}) is out of stock; wait for a restock or choose another.' },
  'redeem.limitReached': {
    zh: '本月你已兑换 {bought} 张{name}，每人每月限 {limit} 张，下个月再来吧。',
    en: 'You have redeemed {bought} {name} this month; the limit is {limit} a month. Try again next month.',
  },
  'redeem.notEnoughPoints': {
    zh: '积分不够：{name} 需要 {cost} 积分，你有 {balance}，还差 {missing} 分。认领心愿服务邻居可以赚积分（发送「任务」）。',
    en: 'Not enough points: {name} costs {cost}, you have {balance}, {missing} short. Serve a neighbour to earn more (send /tasks).',
  },
  'redeem.doneHere': {
    zh: '🎟 兑换成功：{name}\n券码：{code}\n有效期至 {expires}。到店出示券码由商户核销。剩余积分：{balance}',
    en: '🎟 Redeemed: {name}\nCode: {code}\nValid until {expires}. Show the code at the shop. Points left: {balance}',
  },
  'redeem.sentPrivately': {
    zh: '🎟 兑换成功：{name}（{cost} 积分）。券码已私聊发给你，请勿在群里公开。剩余积分：{balance}',
    en: (p: { name: Value; cost: Value; balance: Value }) =>
      `🎟 Redeemed ${p.name} (${points(p.cost)}). The code was sent to you privately; do not share it in groups. Points left: ${p.balance}`,
  },
  'redeem.openPrivate': {
    zh: '🎟 兑换成功：{name}（{cost} 积分）。券码只能私聊发送，但你还没有和我私聊过：{hint}\n私聊后发送「我的券」即可看到券码。',
    en: (p: { name: Value; cost: Value; hint: Value }) =>
      `🎟 Redeemed ${p.name} (${points(p.cost)}). Codes go only to a private chat, and you have not opened one with me yet: ${p.hint}\nThen send /vouchers there to see the code.`,
  },
  'private.hintGeneric': {
    zh: '请点开我的头像，发起私聊（微信请先加我为好友），发一句「你好」。',
    en: 'open a private chat with me (on WeChat, add me as a friend first) and say hello.',
  },
  'redeem.notify.code': {
    zh: '🎟 你的{name}券码：{code}\n到 {merchant} 出示券码核销，有效期至 {expires}。不用了可以发送「退券 {code}」退回积分。',
    en: '🎟 Your {name} code: {code}\nShow it at {merchant}; valid until {expires}. Not needed? Send "/refund {code}" for your points back.',
  },
  'vouchers.header': { zh: '🎟 我的券：', en: '🎟 Your vouchers:' },
  'vouchers.line': {
    zh: '· {name} {code} · {status} · 有效期至 {expires} · {merchant}',
    en: '· {name} {code} · {status} · valid until {expires} · {merchant}',
  },
  'vouchers.footer': { zh: '未使用的券可发送「退券 券码」退回积分。', en: 'Send "/refund <code>" to cancel an unused one.' },
  'vouchers.none': { zh: '你还没有券。发送「商城」看看能兑换什么。', en: 'You have no vouchers yet. Send /shop to see what is on offer.' },
  'vouchers.sentPrivately': { zh: '你的券和券码已私聊发给你。', en: 'Your vouchers and codes were sent to you privately.' },
  'vouchers.openPrivate': {
    zh: '券码只能私聊查看：{hint}\n然后在私聊里发送「我的券」。',
    en: 'Codes are shown only in a private chat: {hint}\nThen send /vouchers there.',
  },
  'voucher.status.issued': { zh: '未使用', en: 'unused' },
  'voucher.status.used': { zh: '已使用', en: 'used' },
  'voucher.status.pastDate': { zh: '已过期（积分将自动退回）', en: 'expired (points on their way back)' },
  'voucher.status.expired': { zh: '已过期（积分已退回）', en: 'expired (points returned)' },
  'voucher.status.cancelled': { zh: '已退券', en: 'cancelled' },
  'voucher.unknownCode': {
    zh: '券码 {code} 不存在，请核对后重发（不区分大小写）。',
    en: 'Voucher code {code} does not exist; check it and send it again (case does not matter).',
  },
  'voucher.settled': { zh: '这张券已经处理过了。', en: 'This voucher has already been settled.' },
  'refund.done': {
    zh: '↩️ 已退券：{name}，{points} 积分已退回。当前积分：{balance}',
    en: (p: { name: Value; points: Value; balance: Value }) => `↩️ Cancelled ${p.name}; ${points(p.points)} returned. You now have ${p.balance}.`,
  },
  'refund.expiredNow': {
    zh: '这张{name}已过期，{points} 积分已退回。当前积分：{balance}',
    en: (p: { name: Value; points: Value; balance: Value }) =>
      `This ${p.name} had expired; its ${points(p.points)} ${Number(p.points) === 1 ? 'is' : 'are'} returned. You now have ${p.balance}.`,
  },
  'refund.notYours': {
    zh: '你没有券码为 {code} 的券，请核对后重发（不区分大小写）；只有券的持有人可以退券。',
    en: 'You hold no voucher with the code {code}; check it and send it again (case does not matter). Only the holder can cancel a voucher.',
  },
  'refund.used': { zh: '这张{name}已于 {at} 使用，不能退券。', en: 'This {name} was used on {at} and cannot be cancelled.' },
  'refund.already': { zh: '这张{name}已经退过了。', en: 'This {name} was already cancelled.' },
  'refund.expired': { zh: '这张{name}已过期，积分早已退回。', en: 'This {name} expired; its points were already returned.' },
  'verify.done': {
    zh: '✅ 核销成功：{name}（持券人 {holder}），{points} 积分记入商户结算账户。',
    en: (p: { name: Value; holder: Value; points: Value }) => `✅ Used: ${p.name} (holder ${p.holder}); ${points(p.points)} to your settlement account.`,
  },
  'verify.merchantOnly': {
    zh: '只有商户可以核销券码。持券人请到券上写明的商户出示券码，由商户核销。',
    en: 'Only merchants can verify voucher codes. Holders show their code at the shop named on the voucher.',
  },
  'verify.otherMerchant': { zh: '这张{name}不能在这里核销，请到 {merchant} 使用。', en: 'This {name} is not for your shop; it is used at {merchant}.' },
  'verify.alreadyUsed': { zh: '❌ 这张{name}已于 {at} 核销过，不能重复使用。', en: '❌ This {name} was already used on {at}; it cannot be used twice.' },
  'verify.cancelled': { zh: '❌ 这张{name}已于 {at} 退券，不能使用。', en: '❌ This {name} was cancelled on {at} and cannot be used.' },
  'verify.expired': { zh: '❌ 这张{name}已于 {at} 过期，不能使用。', en: '❌ This {name} expired on {at} and cannot be used.' },
  'verify.notify.holder': { zh: '✅ 你的{name}已于 {at} 在 {merchant} 核销。', en: '✅ Your {name} was used at {merchant} on {at}.' },
  'refund.notify.holder': {
    zh: '↩️ 你的{name}（券码尾号 {tail}）已由管理员退券，{points} 积分已退回。',
    en: (p: { name: Value; tail: Value; points: Value }) =>
      `↩️ Your ${p.name} (code ending ${p.tail}) was cancelled by an administrator; ${points(p.points)} ${Number(p.points) === 1 ? 'is' : 'are'} back in your account.`,
  },
  'expire.notify.holder': {
    zh: '⌛ 你的{name}（券码尾号 {tail}）已过期，{points} 积分已退回。',
    en: (p: { name: Value; tail: Value; points: Value }) =>
      `⌛ Your ${p.name} (code ending ${p.tail}) expired; ${points(p.points)} ${Number(p.points) === 1 ? 'is' : 'are'} back in your account.`,
  },
} as const satisfies Table;
