import type { Table } from './index.js';

/** Strings of the foundation: help, binding, identity, errors shared by every area. */
export const coreMessages = {
  'help.header': {
    zh: '邻里助手 · 可用命令（{place}）：',
    en: 'Linli · commands you can use here ({place}):',
  },
  'help.footer': {
    zh: '命令前可加 / 或 #，也可以 @我。发送「帮助」随时查看。',
    en: 'Commands may start with / or #, or @mention me. Send /help any time.',
  },
  'help.unbound': {
    zh: '本群还没有绑定到网格。请网格员或管理员私聊我发送「绑定码 网格名」，再在本群发送「绑定 绑定码」；绑定后大家就能在群里报事、发心愿、用积分了。',
    en: 'This group is not bound to a unit yet. A grid worker or admin sends me "/bindcode <unit name>" in private, then "/bind <code>" here; after that everyone here can report, post wishes and use points.',
  },
  'help.noUnit': {
    zh: '还不知道你属于哪个网格。在你所在网格的居民群里发送「帮助」，报事、心愿、积分等命令就都能用了。',
    en: "I don't know your unit yet. Send /help in your grid's residents' group and reporting, wishes and points will work for you.",
  },
  'help.place.private': { zh: '私聊', en: 'private chat' },
  'help.place.unbound': { zh: '未绑定的群', en: 'unbound group' },
  'help.place.group': { zh: '{unit} · {purpose}', en: '{unit} · {purpose}' },
  'purpose.residents': { zh: '居民群', en: 'residents' },
  'purpose.staff': { zh: '工作群', en: 'staff' },
  'help.help': { zh: '帮助 — 查看可用命令', en: '/help — list the commands you can use' },
  'help.bind': {
    zh: '绑定 <绑定码> — 群里：把本群绑定到网格；私聊：关联你的账号',
    en: '/bind <code> — in a group: bind it to a unit; in private: link your account',
  },
  'help.me': { zh: '我的 — 我的资料和角色', en: '/me — your profile and roles' },
  'help.lang': { zh: '语言 中文|English — 切换回复语言', en: '/lang zh|en — change the reply language' },
  'help.linkcode': {
    zh: '关联码 — 生成一次性关联码，在另一个平台私聊我发送「绑定 码」即可合并账号',
    en: '/linkcode — a one-time code; send "/bind CODE" to me on another platform to use one account',
  },
  'help.bindcode': {
    zh: '绑定码 <单位名> [居民|工作] — 生成群绑定码（管理员、工作人员）',
    en: '/bindcode <unit name> [residents|staff] — create a group binding code (admin, staff)',
  },
  'hint.unknown': {
    zh: '没听懂「{word}」。发送「帮助」查看可用命令。',
    en: 'I don\'t know "{word}". Send /help to see what you can do.',
  },
  'hint.usage': { zh: '用法：{usage}', en: 'Usage: {usage}' },
  'room.notBound': {
    zh: '本群还没有绑定到网格。请管理员生成绑定码后在群里发送「绑定 绑定码」。',
    en: 'This group is not bound to a unit yet. Ask an admin for a code and send "/bind CODE" here.',
  },
  'room.groupOnly': { zh: '这个命令请在群里使用。', en: 'Please use this command in a group.' },
  'room.privateOnly': { zh: '这个命令请私聊我使用。', en: 'Please use this command in a private chat with me.' },
  'room.noUnit': {
    zh: '还不知道你属于哪个网格。请在你所在的楼栋群或网格群里使用这个命令。',
    en: "I don't know your unit yet. Please use this command in your building or grid group.",
  },
  'room.notFound': { zh: '找不到群 {id}。', en: 'Room {id} not found.' },
  'bind.usage': { zh: '绑定 <绑定码>', en: '/bind <code>' },
  'bind.roomBound': {
    zh: '✅ 本群已绑定到「{unit}」（{purpose}）。发送「帮助」查看可用命令。',
    en: '✅ This group is now bound to "{unit}" ({purpose}). Send /help to see the commands.',
  },
  'bind.memberLinked': {
    zh: '✅ 已关联到 {name} 的账号，积分、工单和券都在这里可以查看和接收了。',
    en: "✅ Linked to {name}'s account: points, tickets and vouchers now reach you here too.",
  },
  'bind.linkPending': {
    zh: '⏳ 这个关联码对应的账号已经有人在用。为防冒用，已请账号本人在原来的聊天里确认；确认后我会告诉你，在此之前这个账号还没有关联。',
    en: '⏳ The account this code is for is already in use. To keep it safe, its owner has been asked to confirm in their chat; I will tell you when they do. Until then this account is not linked.',
  },
  'bind.linkPendingAdmin': {
    zh: '⏳ 这个关联码对应的账号已经有人在用。为防冒用，需要管理员确认；确认后我会告诉你，在此之前这个账号还没有关联。',
    en: '⏳ The account this code is for is already in use. To keep it safe, an admin has to confirm the link; I will tell you when they do. Until then this account is not linked.',
  },
  'link.ask': {
    zh: '🔐 {platform} 用户「{name}」用一个关联码，请求关联到你的账号（关联后对方能用你的积分和券）。\n是你本人的账号吗？是的话回复「{confirm} {ref}」，不是的话回复「{refuse} {ref}」。3 天内不回复就不会关联。',
    en: '🔐 {platform} user "{name}" used a link code to ask to join your account (they would then use your points and vouchers).\nIs this your own account? If so, send "{confirm} {ref}"; if not, send "{refuse} {ref}". Without an answer within 3 days nothing is linked.',
  },
  'link.button.confirm': { zh: '是我，确认关联', en: "It's me: link" },
  'link.button.refuse': { zh: '不是我，拒绝', en: 'Not me: refuse' },
  'link.confirmed': {
    zh: '✅ 关联已确认：这个账号已关联到 {name} 的账号，积分、工单和券都在这里可以查看和接收了。',
    en: "✅ Link confirmed: this account is now linked to {name}'s; points, tickets and vouchers reach you here too.",
  },
  'link.refused': { zh: '❌ 账号本人拒绝了这次关联，这个账号没有关联。', en: '❌ The owner refused the link; this account is not linked.' },
  'link.confirmedByYou': {
    zh: '✅ 已确认，{platform} 上的「{name}」现在和你是同一个账号。',
    en: '✅ Confirmed: "{name}" on {platform} is now the same account as you.',
  },
  'link.refusedByYou': { zh: '已拒绝，「{name}」没有关联到你的账号。', en: 'Refused: "{name}" was not linked to your account.' },
  'link.notFound': { zh: '找不到关联请求 {ref}。', en: 'Link request {ref} not found.' },
  'link.alreadyDecided': { zh: '关联请求 {ref} 已经处理过了。', en: 'Link request {ref} has already been decided.' },
  'link.expired': {
    zh: '关联请求 {ref} 已过期，需要的话请对方重新要一个关联码。',
    en: 'Link request {ref} has expired; they can ask for a new code if needed.',
  },
  'linkconfirm.usage': { zh: '确认关联 <编号>', en: '/linkconfirm <number>' },
  'linkrefuse.usage': { zh: '拒绝关联 <编号>', en: '/linkrefuse <number>' },
  'help.linkconfirm': { zh: '确认关联 <编号> — 确认另一个平台的账号是你本人的', en: '/linkconfirm <number> — confirm another platform account is yours' },
  'help.linkrefuse': { zh: '拒绝关联 <编号> — 拒绝别人关联到你的账号', en: '/linkrefuse <number> — refuse someone linking to your account' },
  'platform.telegram': { zh: 'Telegram', en: 'Telegram' },
  'platform.wechat': { zh: '微信', en: 'WeChat' },
  'platform.shell': { zh: '本地聊天', en: 'shell chat' },
  'bind.unknownCode': {
    zh: '绑定码 {code} 不存在，请核对后重发（不区分大小写）。',
    en: 'Binding code {code} does not exist. Check it and send it again (case does not matter).',
  },
  'bind.codeUsed': { zh: '这个绑定码已经用过了，请向管理员要一个新的。', en: 'This code has already been used; ask an admin for a new one.' },
  'bind.codeExpired': { zh: '这个绑定码已过期，请向管理员要一个新的。', en: 'This code has expired; ask an admin for a new one.' },
  'bind.roomCodeInPrivate': {
    zh: '这是群绑定码，请在要绑定的群里发送。',
    en: 'This code binds a group: send it in the group you want to bind.',
  },
  'bind.memberCodeInGroup': {
    zh: '这是个人关联码，请私聊我发送，不要发在群里。',
    en: 'This code links your account: send it to me in a private chat, not in a group.',
  },
  'bind.notAGroup': { zh: '只有群才能绑定到网格。', en: 'Only a group can be bound to a unit.' },
  'bindcode.usage': { zh: '绑定码 <单位名> [居民|工作]', en: '/bindcode <unit name> [residents|staff]' },
  'bindcode.created': {
    zh: '「{unit}」{purpose}的绑定码：{code}\n在要绑定的群里发送「绑定 {code}」，{days} 天内有效，只能用一次。',
    en: 'Binding code for "{unit}" ({purpose}): {code}\nSend "/bind {code}" in the group; valid {days} days, once.',
  },
  'linkcode.created': {
    zh: '你的关联码：{code}\n{minutes} 分钟内在另一个平台私聊我发送「绑定 {code}」，两个账号就合并为一个。微信上还不是我的好友的话，加好友时把关联码写在验证信息里就行。',
    en: 'Your link code: {code}\nWithin {minutes} minutes, send "/bind {code}" to me in a private chat on the other platform. On WeChat, if we are not friends yet, put the code in your friend request.',
  },
  'file.notImage': {
    zh: '⚠️ 有一个附件不是图片（只收 JPEG、PNG、GIF、WebP），没有保存。',
    en: '⚠️ An attachment is not an image (JPEG, PNG, GIF or WebP only) and was not kept.',
  },
  'file.tooLarge': {
    zh: '⚠️ 有一张图片超过 {mb} MB，没有保存，请压缩后再发。',
    en: '⚠️ An image is larger than {mb} MB and was not kept; please send a smaller one.',
  },
  'me.summary': {
    zh: '👤 {name}\n角色：{roles}\n语言：中文{party}',
    en: '👤 {name}\nRoles: {roles}\nLanguage: English{party}',
  },
  'me.party': { zh: '\n党员', en: '\nParty member' },
  'me.noRoles': { zh: '暂无', en: 'none yet' },
  'role.resident': { zh: '居民', en: 'resident' },
  'role.volunteer': { zh: '志愿者', en: 'volunteer' },
  'role.staff': { zh: '工作人员', en: 'staff' },
  'role.merchant': { zh: '商户', en: 'merchant' },
  'role.admin': { zh: '管理员', en: 'admin' },
  'role.notFound': { zh: '找不到角色授权 {id}。', en: 'Role grant {id} not found.' },
  'lang.usage': { zh: '语言 中文|English', en: '/lang zh|en' },
  'lang.set': { zh: '好的，以后用中文回复你。', en: 'OK, I will reply to you in English from now on.' },
  'unit.notFound': { zh: '找不到单位 {id}。', en: 'Unit {id} not found.' },
  'unit.notFoundByName': {
    zh: '找不到名为「{name}」的单位，请核对名称。',
    en: 'No unit is called "{name}"; check the name.',
  },
  'unit.nameRequired': { zh: '单位名称不能为空。', en: 'A unit needs a name.' },
  'unit.nameTaken': { zh: '同一上级下已有名为「{name}」的单位。', en: 'A unit called "{name}" already exists under the same parent.' },
  'unit.badRate': { zh: '每小时积分必须是不小于 0 的整数。', en: 'Points per hour must be a whole number of at least 0.' },
  'unit.cannotBecomeRoot': { zh: '单位不能移到最顶层之外。', en: 'A unit cannot be moved to the top of the tree.' },
  'unit.kindOrder': {
    zh: '{kind} 不能放在 {parentKind} 之下：下级单位的类型必须低于上级（{order}）。请换一个类型或上级单位。',
    en: 'A {kind} cannot sit under a {parentKind}: a unit must be of a lower kind than its parent ({order}). Choose another kind or parent.',
  },
  'unit.cycle': { zh: '不能把单位移到它自己的下级里。', en: 'A unit cannot be moved under itself.' },
  'member.notFound': { zh: '找不到成员 {id}。', en: 'Member {id} not found.' },
  'member.nameRequired': { zh: '成员姓名不能为空。', en: 'A member needs a name.' },
  'member.notFoundByName': {
    zh: '找不到「{name}」，请用群里显示的名字。',
    en: 'No one called "{name}" here; use the name shown in the group.',
  },
  'auth.staffOnly': { zh: '只有本网格的工作人员可以这样做。', en: 'Only staff of this unit can do that.' },
  'auth.adminOnly': { zh: '只有管理员可以这样做。', en: 'Only an admin can do that.' },
  'error.internal': {
    zh: '抱歉，处理时出错了，请稍后再试。问题已记录。',
    en: 'Sorry, something went wrong. It has been logged; please try again later.',
  },
  'error.invalid': { zh: '输入有误：{detail}', en: 'Invalid input: {detail}' },
  'error.rateLimited': { zh: '请求太频繁，请稍后再试。', en: 'Too many requests; please try again shortly.' },
  'error.unauthenticated': {
    zh: '缺少或无效的令牌。请在 Authorization 头中使用 Bearer 令牌。',
    en: 'Missing or invalid token. Send "Authorization: Bearer <token>".',
  },
} as const satisfies Table;
